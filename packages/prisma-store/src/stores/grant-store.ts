import type { Grant, GrantStore } from '@gatehouse/core';
import type { Grant as GrantRow } from '../generated/prisma/client.js';
import { toDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';

function toGrant(row: GrantRow): Grant {
  return {
    ...row,
    authTime: toSeconds(row.authTime),
    createdAt: toSeconds(row.createdAt),
    revokedAt: toOptionalSeconds(row.revokedAt),
  };
}

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
      return row ? toGrant(row) : null;
    },
    async findBySid(sid) {
      // Served by the grants_sid_idx index.
      const rows = await db.grant.findMany({ where: { sid }, orderBy: { createdAt: 'asc' } });
      return rows.map(toGrant);
    },
    async revoke(id, at) {
      await db.grant.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
