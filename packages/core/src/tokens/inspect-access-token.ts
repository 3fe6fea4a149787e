import type { Application } from '../clients/application.js';
import { invalidToken } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import { isUsable, type User } from '../users/user.js';
import { verifyAccessToken } from './verify-access-token.js';

export interface InspectAccessTokenInput {
  /** The access token as the resource server received it (without the `Bearer` scheme). */
  readonly token: string;
  readonly requestId: string;
}

/** Who an access token speaks for, and what it may do. */
export interface AccessTokenInspection {
  readonly application: Application;
  readonly user: User;
  readonly scopes: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * The resource-server view of an access token this server issued (RFC 6750 §3.1): verified like
 * at userinfo (signature, audience, expiry, revocation) and resolved to an active user. Rejects
 * with an `invalid_token` OAuthError otherwise; scope decisions are the caller's.
 */
export async function inspectAccessToken(
  context: Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings'>,
  input: InspectAccessTokenInput,
): Promise<AccessTokenInspection> {
  const { application, record } = await verifyAccessToken(context, input.token);
  const user = await context.stores.users.find(record.userId);
  if (!isUsable(user, context.clock.now())) throw invalidToken('the user of this access token is no longer active');
  return { application, user, scopes: record.scopes, expiresAt: record.expiresAt };
}
