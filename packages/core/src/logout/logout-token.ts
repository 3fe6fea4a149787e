import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import type { ServerContext } from '../server-context.js';
import { encryptJwt } from '../tokens/encrypt-jwt.js';
import { randomToken } from '../tokens/opaque-token.js';
import { signJwt } from '../tokens/sign-jwt.js';

/** Back-Channel Logout 1.0 §2.4: the one event a logout token carries. */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** Whom a logout token is about: the user (`sub`), the session (`sid`), or both. */
export interface LogoutSubject {
  /** The user's `sub` for the application, as in its ID tokens. */
  readonly subject: string | null;
  /** The `sid` of the session's ID tokens (SHA-256 hex of the session id). */
  readonly sid: string | null;
}

/**
 * A logout token for `application` (Back-Channel Logout 1.0 §2.4): signed like its ID tokens,
 * explicitly typed `logout+jwt` (§2.4, RFC 8725 §3.11) so it cannot pass for an ID token, and
 * encrypted when the application's tokens are. It never carries a `nonce` (§2.4: MUST NOT).
 */
export async function createLogoutToken(
  context: Pick<ServerContext, 'keys' | 'clock' | 'settings'>,
  application: Application,
  { subject, sid }: LogoutSubject,
): Promise<string> {
  // §2.4: a logout token MUST contain a sub or a sid claim.
  if (subject === null && sid === null) throw new Error('a logout token needs a sub or a sid');
  const now = context.clock.now();
  const [key, encryptionKey] = await Promise.all([context.keys.signingKeyFor(application), context.keys.encryptionKeyFor(application)]);
  const jwt = signJwt(
    {
      iss: issuerFor(application, context.settings.baseUrl),
      aud: application.clientId,
      iat: now,
      exp: now + context.settings.logoutTokenTtlSeconds,
      jti: randomToken(16),
      events: { [backchannelLogoutEvent]: {} },
      ...(subject !== null ? { sub: subject } : {}),
      ...(sid !== null ? { sid } : {}),
    },
    key,
    'logout+jwt',
  );
  return encryptionKey ? encryptJwt(jwt, encryptionKey) : jwt;
}
