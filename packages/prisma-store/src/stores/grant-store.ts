import type { Grant, GrantStore } from '@gatehouse/core';
import { toDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';

export function prismaGrantStore(db: Db): GrantStore {
  return {
    async create(grant) {
      await db.grant.create({
        data: {
          ...grant,
          scopes: [...grant.scopes],
          amr: [...grant.amr],
          authTime: toDate(grant.authTime),
          createdAt: toDate(grant.createdAt),
          revokedAt: grant.revokedAt === null ? null : toDate(grant.revokedAt),
        },
      });
    },
    async find(id) {
      const row = await db.grant.findUnique({ where: { id } });
      if (!row) return null;
      const grant: Grant = {
        ...row,
        authTime: toSeconds(row.authTime),
        createdAt: toSeconds(row.createdAt),
        revokedAt: toOptionalSeconds(row.revokedAt),
      };
      return grant;
    },
    async revoke(id, at) {
      await db.grant.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
