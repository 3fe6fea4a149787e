import type { ScopeMappingStore, StoredScopeMapping } from '@gatehouse/core';
import type { ScopeMapping as Row } from '../generated/prisma/client.js';
import { toDate, toSeconds } from '../time.js';
import type { Db } from './db.js';

function toMapping(row: Row): StoredScopeMapping {
  return {
    scope: row.scope,
    description: row.description,
    claims: row.claims as Record<string, string>,
    updatedAt: toSeconds(row.updatedAt),
  };
}

/** Scope mappings managed at run time, one row per scope. */
export function prismaScopeMappingStore(db: Db): ScopeMappingStore {
  return {
    list: async () => (await db.scopeMapping.findMany({ orderBy: { scope: 'asc' } })).map(toMapping),
    async save(mapping) {
      const row = { description: mapping.description, claims: { ...mapping.claims }, updatedAt: toDate(mapping.updatedAt) };
      await db.scopeMapping.upsert({ where: { scope: mapping.scope }, create: { scope: mapping.scope, ...row }, update: row });
    },
    delete: async (scope) => (await db.scopeMapping.deleteMany({ where: { scope } })).count > 0,
  };
}
