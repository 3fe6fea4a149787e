import type { Grant, GrantStore } from '@gatehouse/core';
import { batchedLookup } from '../batch.js';
import { toDate, toOptionalDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';
import { valuesList } from './values-list.js';

// `find` and `create` run in the transaction of every code exchange, `find` on every refresh: raw
// SQL, which costs Prisma a fraction of what its query compiler does.
const columns = `"id", "application_id" AS "applicationId", "user_id" AS "userId", "scopes", "auth_time" AS "authTime", "nonce", "amr", "sid",
  "created_at" AS "createdAt", "revoked_at" AS "revokedAt"`;

interface Row {
  readonly id: string;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: string[];
  readonly authTime: Date;
  readonly nonce: string | null;
  readonly amr: string[];
  readonly sid: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

function toGrant(row: Row): Grant {
  return {
    ...row,
    authTime: toSeconds(row.authTime),
    createdAt: toSeconds(row.createdAt),
    revokedAt: toOptionalSeconds(row.revokedAt),
  };
}

const selectGrants = (db: Db, ids: readonly string[]): Promise<Row[]> =>
  db.$queryRawUnsafe<Row[]>(`SELECT ${columns} FROM "grants" WHERE "id" = ANY($1::text[])`, [...ids]);

/** Grants by id; with `batchReads` (outside transactions) concurrent `find` calls share one query. */
export function prismaGrantStore(db: Db, { batchReads }: { readonly batchReads: boolean }): GrantStore {
  const lookup = batchReads ? batchedLookup((ids) => selectGrants(db, ids), (row) => row.id) : async (id: string) => (await selectGrants(db, [id]))[0] ?? null;
  return {
    async create(grant) {
      const row = {
        ...grant,
        scopes: [...grant.scopes],
        amr: [...grant.amr],
        authTime: toDate(grant.authTime),
        createdAt: toDate(grant.createdAt),
        revokedAt: toOptionalDate(grant.revokedAt),
      };
      const { sql, values } = valuesList([[row.id, row.applicationId, row.userId, row.scopes, row.authTime, row.nonce, row.amr, row.sid, row.createdAt, row.revokedAt]]);
      const inserted = await db.$executeRawUnsafe(
        `INSERT INTO "grants" ("id", "application_id", "user_id", "scopes", "auth_time", "nonce", "amr", "sid", "created_at", "revoked_at") ${sql}
          ON CONFLICT ("id") DO NOTHING`,
        ...values,
      );
      // A duplicate id: the ORM's insert refuses it as callers know it, with P2002.
      if (inserted === 0) await db.grant.create({ data: row });
    },
    async find(id) {
      const row = await lookup(id);
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
