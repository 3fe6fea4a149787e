import type { AccessTokenRecord, AccessTokenRecordStore } from '@gatehouse/core';
import { toDate, toOptionalDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';
import { valuesList } from './values-list.js';

// Raw SQL for the statements every JWT access token costs (one insert when it is issued, one read
// per introspection or userinfo call): Prisma's query compiler and interpreter cost several times
// the round trip for these one-table statements.
const columns = `"jti", "grant_id" AS "grantId", "application_id" AS "applicationId", "user_id" AS "userId", "scopes",
  "issued_at" AS "issuedAt", "expires_at" AS "expiresAt", "revoked_at" AS "revokedAt"`;

interface Row {
  readonly jti: string;
  readonly grantId: string | null;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: string[];
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

/** The record of `row` when it is still alive at `now` (epoch seconds), else null. */
export function aliveAccessToken(row: Row | null, now: number): AccessTokenRecord | null {
  if (!row || row.expiresAt.getTime() <= toDate(now).getTime()) return null;
  return { ...row, issuedAt: toSeconds(row.issuedAt), expiresAt: toSeconds(row.expiresAt), revokedAt: toOptionalSeconds(row.revokedAt) };
}

const toRow = (record: AccessTokenRecord) => ({
  ...record,
  scopes: [...record.scopes],
  issuedAt: toDate(record.issuedAt),
  expiresAt: toDate(record.expiresAt),
  revokedAt: toOptionalDate(record.revokedAt),
});

/** The columns of an access-token row, and the values of `record` in their order. */
export const accessTokenColumns = `"jti", "grant_id", "application_id", "user_id", "scopes", "issued_at", "expires_at", "revoked_at"`;
export const accessTokenCasts = ['text', 'text', 'text', 'text', 'text[]', 'timestamptz', 'timestamptz', 'timestamptz'] as const;
export function accessTokenValues(record: AccessTokenRecord): unknown[] {
  const row = toRow(record);
  return [row.jti, row.grantId, row.applicationId, row.userId, row.scopes, row.issuedAt, row.expiresAt, row.revokedAt];
}

/**
 * One INSERT for all of `records`, all written or none; answers the jtis it wrote. A record whose
 * jti is taken is skipped: {@link refuseTaken} reports it.
 */
export async function insertAccessTokens(db: Db, records: readonly AccessTokenRecord[]): Promise<Set<string>> {
  const { sql, values } = valuesList(
    records.map(accessTokenValues),
  );
  const written = await db.$queryRawUnsafe<{ jti: string }[]>(
    `INSERT INTO "access_tokens" (${accessTokenColumns}) ${sql}
      ON CONFLICT ("jti") DO NOTHING RETURNING "jti"`,
    ...values,
  );
  return new Set(written.map((row) => row.jti));
}

/** The ORM's insert of a record whose jti is taken: it refuses it as callers know it, with P2002. */
export async function refuseTaken(db: Db, record: AccessTokenRecord): Promise<void> {
  await db.accessToken.create({ data: toRow(record) });
}

/** The rows of `jtis` that exist, expired ones included, in no particular order. */
export function selectAccessTokens(db: Db, jtis: readonly string[]): Promise<Row[]> {
  return db.$queryRawUnsafe<Row[]>(`SELECT ${columns} FROM "access_tokens" WHERE "jti" = ANY($1::text[])`, [...jtis]);
}

/** Access token records one statement per call: what a transaction's stores use. */
export function prismaAccessTokenRecordStore(db: Db): AccessTokenRecordStore {
  return {
    async create(record) {
      if (!(await insertAccessTokens(db, [record])).has(record.jti)) await refuseTaken(db, record);
    },
    async find(jti, now) {
      const [row] = await selectAccessTokens(db, [jti]);
      return aliveAccessToken(row ?? null, now);
    },
    async revoke(jti, at) {
      await db.accessToken.updateMany({ where: { jti, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
    async revokeByGrantId(grantId, at) {
      await db.accessToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
