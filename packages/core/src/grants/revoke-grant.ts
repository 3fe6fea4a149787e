import type { ServerContext } from '../server-context.js';

/**
 * Revokes a grant and every token minted from it: the answer to a replayed code or a reused
 * refresh token (RFC 6749 §4.1.2, §10.5; RFC 9700 §4.14).
 */
export async function revokeGrant(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  grantId: string,
  reason: { readonly action: string; readonly applicationId: string; readonly requestId: string },
): Promise<void> {
  const at = context.clock.now();
  await context.stores.transaction(async (stores) => {
    await stores.grants.revoke(grantId, at);
    await stores.accessTokens.revokeByGrantId(grantId, at);
    await stores.refreshTokens.revokeByGrantId(grantId, at);
  });
  await context.stores.events.record({
    action: 'suspicious_request',
    at,
    applicationId: reason.applicationId,
    requestId: reason.requestId,
    context: { reason: reason.action, grantId },
  });
}
