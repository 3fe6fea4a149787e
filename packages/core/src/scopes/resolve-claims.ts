import type { Application } from '../clients/application.js';
import type { User } from '../users/user.js';
import type { ScopeMapping } from './scope-mapping.js';

/** The claims of `scopes` about `user`, merged in scope-name order; a later scalar wins. */
export function resolveClaims(
  mappings: ReadonlyMap<string, ScopeMapping>,
  scopes: readonly string[],
  user: User,
  application: Application,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const scope of [...scopes].sort()) {
    const mapping = mappings.get(scope);
    if (mapping) Object.assign(claims, mapping.claims(user, { application }));
  }
  return claims;
}
