import type { ServerContext } from '../server-context.js';
import { digestToken, randomToken } from '../tokens/opaque-token.js';
import type { AuthorizationRequest, SessionUser } from './authorization-request.js';

/**
 * A validated authorization request waiting for the user (login or consent), kept in the
 * CodeCache under the digest of a random id that only this browser's page or redirect carries.
 */
export type Interaction =
  | {
      readonly kind: 'login';
      readonly request: AuthorizationRequest;
      /** Epoch seconds the login must not be older than (`prompt=login`, `max_age`); null for any login. */
      readonly authenticatedAfter: number | null;
    }
  | {
      readonly kind: 'consent';
      readonly request: AuthorizationRequest;
      readonly session: SessionUser;
      /** Scopes of the remembered consent, kept when the user accepts new ones. */
      readonly granted: readonly string[];
    };

const key = (id: string) => `interaction:${digestToken(id)}`;

export async function createInteraction(context: Pick<ServerContext, 'codes' | 'settings'>, interaction: Interaction): Promise<string> {
  const id = randomToken();
  await context.codes.put(key(id), interaction, context.settings.interactionTtlSeconds);
  return id;
}

/** Takes the interaction out: the answer of a page counts once. */
export async function consumeInteraction(context: Pick<ServerContext, 'codes'>, id: string): Promise<Interaction | null> {
  const consumed = await context.codes.consume<Interaction>(key(id));
  return consumed && !consumed.alreadyConsumed ? consumed.value : null;
}
