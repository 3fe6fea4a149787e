import type { RefreshTokenRecord, RefreshTokenStore } from '@gatehouse/core';
import { batchedLookup } from '../batch.js';
import { toDate, toOptionalDate, toOptionalSeconds, toSeconds } from '../time.js';
import type { Db } from './db.js';
import { valuesList } from './values-list.js';

// Raw SQL: every code exchange and rotation writes here inside a transaction, where each statement
// through Prisma's query compiler costs several times what the same raw statement does.
const columns = `"token_digest" AS "tokenDigest", "grant_id" AS "grantId", "family_id" AS "familyId", "application_id" AS "applicationId",
  "user_id" AS "userId", "scopes", "issued_at" AS "issuedAt", "expires_at" AS "expiresAt", "rotated_at" AS "rotatedAt",
  "replaced_by" AS "replacedBy", "revoked_at" AS "revokedAt"`;
/** The columns of a refresh-token row, and the values of a record in their order ({@link refreshTokenValues}). */
export const refreshTokenColumns = `"token_digest", "grant_id", "family_id", "application_id", "user_id", "scopes", "issued_at", "expires_at", "rotated_at", "replaced_by", "revoked_at"`;

interface Row {
  readonly tokenDigest: string;
  readonly grantId: string;
  readonly familyId: string;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: string[];
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly rotatedAt: Date | null;
  readonly replacedBy: string | null;
  readonly revokedAt: Date | null;
}

function toRecord(row: Row): RefreshTokenRecord {
  return {
    ...row,
    issuedAt: toSeconds(row.issuedAt),
    expiresAt: toSeconds(row.expiresAt),
    rotatedAt: toOptionalSeconds(row.rotatedAt),
    revokedAt: toOptionalSeconds(row.revokedAt),
  };
}

const toRow = (record: RefreshTokenRecord) => ({
  ...record,
  scopes: [...record.scopes],
  issuedAt: toDate(record.issuedAt),
  expiresAt: toDate(record.expiresAt),
  rotatedAt: toOptionalDate(record.rotatedAt),
  revokedAt: toOptionalDate(record.revokedAt),
});

export const refreshTokenCasts = ['text', 'text', 'text', 'text', 'text', 'text[]', 'timestamptz', 'timestamptz', 'timestamptz', 'text', 'timestamptz'] as const;
export const refreshTokenValues = (record: RefreshTokenRecord): unknown[] => {
  const row = toRow(record);
  return [row.tokenDigest, row.grantId, row.familyId, row.applicationId, row.userId, row.scopes, row.issuedAt, row.expiresAt, row.rotatedAt, row.replacedBy, row.revokedAt];
};

const selectTokens = (db: Db, digests: readonly string[]): Promise<Row[]> =>
  db.$queryRawUnsafe<Row[]>(`SELECT ${columns} FROM "refresh_tokens" WHERE "token_digest" = ANY($1::text[])`, [...digests]);

// One statement, so atomic without a transaction of its own: the conditional UPDATE takes the row
// lock (of concurrent rotations exactly one matches) and the successor is inserted only when it did.
const rotateStatement = `WITH "rotated" AS (
    UPDATE "refresh_tokens" SET "rotated_at" = $1, "replaced_by" = $2
    WHERE "token_digest" = $3 AND "rotated_at" IS NULL AND "revoked_at" IS NULL
    RETURNING ${columns}
  ), "successor" AS (
    INSERT INTO "refresh_tokens" (${refreshTokenColumns})
    SELECT $2, $4, $5, $6, $7, $8::text[], $9::timestamptz, $10::timestamptz, $11::timestamptz, $12, $13::timestamptz FROM "rotated"
  )
  SELECT * FROM "rotated"`;

/** Refresh tokens by digest. With `batchReads` (outside transactions) concurrent `find` calls share one query. */
export function prismaRefreshTokenStore(db: Db, { batchReads }: { readonly batchReads: boolean }): RefreshTokenStore {
  const lookup = batchReads
    ? batchedLookup((digests) => selectTokens(db, digests), (row) => row.tokenDigest)
    : async (digest: string) => (await selectTokens(db, [digest]))[0] ?? null;
  return {
    async create(record) {
      const { sql, values } = valuesList([refreshTokenValues(record)]);
      const inserted = await db.$executeRawUnsafe(`INSERT INTO "refresh_tokens" (${refreshTokenColumns}) ${sql} ON CONFLICT ("token_digest") DO NOTHING`, ...values);
      // A duplicate digest: the ORM's insert refuses it as callers know it, with P2002.
      if (inserted === 0) await db.refreshToken.create({ data: toRow(record) });
    },
    async find(tokenDigest, now) {
      // A batch serves callers with different `now`s: expiry is checked per caller.
      const row = await lookup(tokenDigest);
      return row && row.expiresAt.getTime() > toDate(now).getTime() ? toRecord(row) : null;
    },
    async rotate(tokenDigest, successor, at) {
      const [rotated] = await db.$queryRawUnsafe<Row[]>(rotateStatement, toDate(at), successor.tokenDigest, tokenDigest, ...refreshTokenValues(successor).slice(1));
      if (rotated) return { rotated: true, previous: toRecord(rotated) };
      // Rotated or revoked already (the winner has committed: the UPDATE waited for its row lock), or unknown.
      const [row] = await selectTokens(db, [tokenDigest]);
      return row ? { rotated: false, previous: toRecord(row) } : null;
    },
    async revokeByGrantId(grantId, at) {
      await db.refreshToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
