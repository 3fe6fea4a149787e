import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import type { User } from '../users/user.js';
import { deepMerge } from './deep-merge.js';

/**
 * The claims of `scopes` about `user`: the mapping of each scope, in scope-name order, deep-merged
 * (behaviour spec §4.1). A mapping that throws or returns something other than an object is
 * skipped and recorded as a `configuration_error` event; the other claims are still returned.
 */
export async function resolveClaims(
  context: Pick<ServerContext, 'scopeMappings' | 'stores' | 'clock'>,
  scopes: readonly string[],
  user: User,
  application: Application,
  requestId: string,
): Promise<Record<string, unknown>> {
  const claims: Record<string, unknown> = {};
  for (const scope of [...scopes].sort()) {
    const mapping = context.scopeMappings.get(scope);
    if (!mapping) continue;
    try {
      const result: unknown = await mapping.claims(user, { application, scopes });
      if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new TypeError('the mapping did not return an object');
      deepMerge(claims, result as Record<string, unknown>);
    } catch (error) {
      await context.stores.events.record({
        action: 'configuration_error',
        at: context.clock.now(),
        applicationId: application.id,
        userId: user.id,
        requestId,
        context: { message: `Failed to evaluate scope mapping: '${scope}'`, error: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  return claims;
}
