import { isDeepStrictEqual } from 'node:util';
import { reservedScopes, type Stores, type StoredScopeMapping } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import type { ScopeMappingSettings } from './scope-mapping-settings.js';

/**
 * Creates or replaces the stored mapping of `settings.scope`; an unchanged mapping is left as it
 * is (its `updatedAt` too), so applying a seed twice writes nothing. Refuses openid and
 * offline_access, which the server would not let a stored mapping replace. The server reads the
 * change on `reloadScopeMappings()`.
 */
export async function putScopeMapping(stores: Stores, settings: ScopeMappingSettings, now: number): Promise<StoredScopeMapping> {
  if (reservedScopes.has(settings.scope)) throw new AdminError('conflict', `${settings.scope} is built in and cannot be replaced`);
  const existing = (await stores.scopeMappings.list()).find((mapping) => mapping.scope === settings.scope);
  if (existing && existing.description === settings.description && isDeepStrictEqual(Object.entries(existing.claims), Object.entries(settings.claims))) return existing;
  const mapping = { scope: settings.scope, description: settings.description, claims: settings.claims, updatedAt: now };
  await stores.scopeMappings.save(mapping);
  return mapping;
}
