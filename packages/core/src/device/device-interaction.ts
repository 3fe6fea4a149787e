import type { SessionUser } from '../authorize/authorization-request.js';
import type { ServerContext } from '../server-context.js';
import { digestToken, randomToken } from '../tokens/opaque-token.js';

/**
 * A device authorization waiting on the consent page, kept in the CodeCache under the digest of
 * a random id that only this browser's page carries, for one answer.
 */
export interface DeviceInteraction {
  readonly deviceCodeDigest: string;
  readonly session: SessionUser;
  /** Scopes of the remembered consent, kept when the user accepts new ones. */
  readonly granted: readonly string[];
}

const key = (id: string) => `device-interaction:${digestToken(id)}`;

export async function createDeviceInteraction(context: Pick<ServerContext, 'codes'>, interaction: DeviceInteraction, ttlSeconds: number): Promise<string> {
  const id = randomToken();
  await context.codes.put(key(id), interaction, ttlSeconds);
  return id;
}

/** Takes the interaction out: the consent page is answered once. */
export async function consumeDeviceInteraction(context: Pick<ServerContext, 'codes'>, id: string): Promise<DeviceInteraction | null> {
  const consumed = await context.codes.consume<DeviceInteraction>(key(id));
  return consumed && !consumed.alreadyConsumed ? consumed.value : null;
}
