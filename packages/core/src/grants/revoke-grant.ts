import type { ServerContext } from '../server-context.js';

/**
 * Revokes a grant and every token minted from it: the answer to a replayed code or a reused
 * refresh token (RFC 6749 §4.1.2, §10.5; RFC 9700 §4.14), and what revoking a refresh token
 * does (RFC 7009 §2.1). Attacks are recorded as `suspicious_request`, the rest as `token_revoked`.
 */
export async function revokeGrant(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  grantId: string,
  reason: { readonly action: string; readonly applicationId: string; readonly requestId: string; readonly suspicious?: boolean },
): Promise<void> {
  const at = context.clock.now();
  await context.stores.transaction(async (stores) => {
    await stores.grants.revoke(grantId, at);
    await stores.accessTokens.revokeByGrantId(grantId, at);
    await stores.refreshTokens.revokeByGrantId(grantId, at);
  });
  await context.stores.events.record({
    action: reason.suspicious === false ? 'token_revoked' : 'suspicious_request',
    at,
    applicationId: reason.applicationId,
    requestId: reason.requestId,
    context: { reason: reason.action, grantId },
  });
}
