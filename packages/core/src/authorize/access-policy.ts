import type { Application } from '../clients/application.js';
import type { ScopePolicyContext } from '../hooks.js';
import type { ServerContext } from '../server-context.js';

/** Application access policy: with `allowedGroups` set, only their members may use it. */
export function mayUseApplication(application: Application, user: { readonly groups: readonly string[] }): boolean {
  return application.allowedGroups.length === 0 || user.groups.some((group) => application.allowedGroups.includes(group));
}

/**
 * The application's access policy, then the configured scope policy hook. A denial is recorded
 * as a `policy_denied` audit event, with the policy that denied (`allowed_groups` or `hook`).
 */
export async function isAuthorized(context: Pick<ServerContext, 'hooks' | 'stores' | 'clock'>, policy: ScopePolicyContext, requestId: string): Promise<boolean> {
  const deniedBy = !mayUseApplication(policy.application, policy.user) ? 'allowed_groups' : ((await context.hooks.authorizeScopes?.(policy)) ?? true) ? null : 'hook';
  if (deniedBy === null) return true;
  await context.stores.events.record({
    action: 'policy_denied',
    at: context.clock.now(),
    applicationId: policy.application.id,
    userId: policy.user.id,
    requestId,
    context: { policy: deniedBy, grantType: policy.grantType, scopes: policy.scopes },
  });
  return false;
}
