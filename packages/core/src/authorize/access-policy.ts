import type { Application } from '../clients/application.js';
import type { ScopePolicyContext } from '../hooks.js';
import type { ServerContext } from '../server-context.js';

/** Application access policy: with `allowedGroups` set, only their members may use it. */
export function mayUseApplication(application: Application, user: { readonly groups: readonly string[] }): boolean {
  return application.allowedGroups.length === 0 || user.groups.some((group) => application.allowedGroups.includes(group));
}

/** The application's access policy, then the configured scope policy hook. */
export async function isAuthorized(context: Pick<ServerContext, 'hooks'>, policy: ScopePolicyContext): Promise<boolean> {
  if (!mayUseApplication(policy.application, policy.user)) return false;
  return (await context.hooks.authorizeScopes?.(policy)) ?? true;
}
