import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import { specialScopes } from './scope-mapping.js';
import { narrowScopes } from './scopes.js';

/**
 * The scopes a browser or device request receives (behaviour spec §4.2): what it asked for and
 * the application may have (plus `extraScopes`, e.g. GitHub's), or the application's ordinary
 * scopes when it asked for none. Unknown scopes are dropped and recorded as `scopes_dropped`
 * (authentik stored device scopes unchecked: CVE-2024-52287).
 */
export async function grantRequestedScopes(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  application: Application,
  requested: readonly string[],
  requestId: string,
  extraScopes: readonly string[] = [],
): Promise<string[]> {
  const defaults = application.scopes.filter((scope) => !specialScopes.has(scope));
  const { granted, dropped } = narrowScopes(requested, [...application.scopes, ...extraScopes], defaults);
  if (dropped.length > 0) {
    await context.stores.events.record({ action: 'scopes_dropped', at: context.clock.now(), applicationId: application.id, requestId, context: { dropped } });
  }
  return granted;
}
