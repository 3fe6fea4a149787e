import type { ServerContext } from '../server-context.js';
import { digestToken, randomToken } from '../tokens/opaque-token.js';

/**
 * A logout request waiting for the user's confirmation, kept in the CodeCache under the digest of
 * a random id that only the confirmation page carries.
 */
export interface PendingLogout {
  readonly applicationId: string;
  /** The signed-in user the confirmation page was shown to. */
  readonly userId: string;
  /** The validated post-logout redirect, `state` included; null for the signed-out page. */
  readonly redirectTo: string | null;
}

const key = (id: string) => `logout:${digestToken(id)}`;

export async function createPendingLogout(context: Pick<ServerContext, 'codes' | 'settings'>, pending: PendingLogout): Promise<string> {
  const id = randomToken();
  await context.codes.put(key(id), pending, context.settings.interactionTtlSeconds);
  return id;
}

/** Takes the pending logout out: a confirmation counts once. */
export async function consumePendingLogout(context: Pick<ServerContext, 'codes'>, id: string): Promise<PendingLogout | null> {
  const consumed = await context.codes.consume<PendingLogout>(key(id));
  return consumed && !consumed.alreadyConsumed ? consumed.value : null;
}
