import type { FirstTokens, Grant, GrantStore } from '@gatehouse/core';
import { accessTokenCasts, accessTokenColumns, accessTokenValues } from './access-token-record-store.js';
import { refreshTokenCasts, refreshTokenColumns, refreshTokenValues } from './refresh-token-store.js';
import { batchedLookup, batching } from '../batch.js';
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

const grantColumns = `"id", "application_id", "user_id", "scopes", "auth_time", "nonce", "amr", "sid", "created_at", "revoked_at"`;
const grantCasts = ['text', 'text', 'text', 'text[]', 'timestamptz', 'text', 'text[]', 'text', 'timestamptz', 'timestamptz'] as const;

function grantValues(grant: Grant): unknown[] {
  return [grant.id, grant.applicationId, grant.userId, [...grant.scopes], toDate(grant.authTime), grant.nonce, [...grant.amr], grant.sid, toDate(grant.createdAt), toOptionalDate(grant.revokedAt)];
}

/** A grant to record with its first tokens, as `createWithTokens` receives it. */
interface NewGrant {
  readonly grant: Grant;
  readonly tokens: FirstTokens;
}

/**
 * The grants of `batch` and their first tokens in one statement: the token rows are joined to the
 * grant insert, which answers only the ids it wrote (not those taken), so a grant and its tokens are
 * written together or not at all. PostgreSQL checks the statement as a whole; no transaction (and
 * none of Prisma's, the costly part of a code exchange) is needed around it. Grant ids are distinct.
 */
function createWithTokensStatement(batch: readonly NewGrant[]): { readonly sql: string; readonly values: unknown[] } {
  const values: unknown[] = [];
  // Every parameter cast: a VALUES list joined in a SELECT gives PostgreSQL no column types.
  const list = (rows: readonly (readonly unknown[])[], casts: readonly string[]) => valuesList(rows, casts, values).sql;
  const parts = [`"g" AS (INSERT INTO "grants" (${grantColumns}) ${list(batch.map(({ grant }) => grantValues(grant)), grantCasts)} ON CONFLICT ("id") DO NOTHING RETURNING "id")`];
  const accessTokens = batch.flatMap(({ tokens }) => (tokens.accessToken ? [accessTokenValues(tokens.accessToken)] : []));
  if (accessTokens.length > 0) {
    parts.push(`"a" AS (INSERT INTO "access_tokens" (${accessTokenColumns}) SELECT "v".* FROM (${list(accessTokens, accessTokenCasts)}) AS "v" (${accessTokenColumns}) JOIN "g" ON "g"."id" = "v"."grant_id")`);
  }
  const refreshTokens = batch.flatMap(({ tokens }) => (tokens.refreshToken ? [refreshTokenValues(tokens.refreshToken)] : []));
  if (refreshTokens.length > 0) {
    parts.push(`"r" AS (INSERT INTO "refresh_tokens" (${refreshTokenColumns}) SELECT "v".* FROM (${list(refreshTokens, refreshTokenCasts)}) AS "v" (${refreshTokenColumns}) JOIN "g" ON "g"."id" = "v"."grant_id")`);
  }
  return { sql: `WITH ${parts.join(', ')} SELECT "id" FROM "g"`, values };
}

/**
 * `createWithTokens` with the calls of concurrent exchanges sharing one statement (outside
 * transactions): each resolves once it committed. Of calls for one grant id in a batch only the
 * first is written; the others answer false, as they would one statement later.
 */
function batchedCreateWithTokens(db: Db): (grant: Grant, tokens: FirstTokens) => Promise<boolean> {
  const write = batching(async (batch: readonly NewGrant[]) => {
    const first = new Map<string, NewGrant>();
    for (const call of batch) if (!first.has(call.grant.id)) first.set(call.grant.id, call);
    const { sql, values } = createWithTokensStatement([...first.values()]);
    const created = new Set((await db.$queryRawUnsafe<{ id: string }[]>(sql, ...values)).map((row) => row.id));
    return batch.map((call) => first.get(call.grant.id) === call && created.has(call.grant.id));
  });
  return (grant, tokens) => write({ grant, tokens });
}

// Tokens first: they point at the grant.
const discardStatement = `WITH "a" AS (DELETE FROM "access_tokens" WHERE "grant_id" = $1), "r" AS (DELETE FROM "refresh_tokens" WHERE "grant_id" = $1)
  DELETE FROM "grants" WHERE "id" = $1`;

const selectGrants = (db: Db, ids: readonly string[]): Promise<Row[]> =>
  db.$queryRawUnsafe<Row[]>(`SELECT ${columns} FROM "grants" WHERE "id" = ANY($1::text[])`, [...ids]);

/**
 * Grants by id; with `batchReads` (outside transactions) concurrent `find` and `createWithTokens`
 * calls share one statement each.
 */
export function prismaGrantStore(db: Db, { batchReads }: { readonly batchReads: boolean }): GrantStore {
  const lookup = batchReads ? batchedLookup((ids) => selectGrants(db, ids), (row) => row.id) : async (id: string) => (await selectGrants(db, [id]))[0] ?? null;
  const createWithTokens = batchReads
    ? batchedCreateWithTokens(db)
    : async (grant: Grant, tokens: FirstTokens) => {
        const { sql, values } = createWithTokensStatement([{ grant, tokens }]);
        return (await db.$queryRawUnsafe<{ id: string }[]>(sql, ...values)).length === 1;
      };
  return {
    async create(grant) {
      const { sql, values } = valuesList([grantValues(grant)]);
      const inserted = await db.$executeRawUnsafe(`INSERT INTO "grants" (${grantColumns}) ${sql} ON CONFLICT ("id") DO NOTHING`, ...values);
      // A duplicate id: the ORM's insert refuses it as callers know it, with P2002.
      if (inserted === 0) {
        await db.grant.create({
          data: { ...grant, scopes: [...grant.scopes], amr: [...grant.amr], authTime: toDate(grant.authTime), createdAt: toDate(grant.createdAt), revokedAt: toOptionalDate(grant.revokedAt) },
        });
      }
    },
    createWithTokens,
    async discard(id) {
      await db.$executeRawUnsafe(discardStatement, id);
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
    async listByUser(userId, { before, limit }) {
      // Ids compared byte by byte ("C"), as the other stores order them, whatever the database's collation.
      const rows = await db.$queryRawUnsafe<Row[]>(
        `SELECT ${columns} FROM "grants" WHERE "user_id" = $1 AND "revoked_at" IS NULL
           AND ($2::timestamptz IS NULL OR ("created_at", "id" COLLATE "C") < ($2::timestamptz, $3::text COLLATE "C"))
         ORDER BY "created_at" DESC, "id" COLLATE "C" DESC LIMIT $4`,
        userId, before ? toDate(before.createdAt) : null, before?.id ?? null, limit,
      );
      return rows.map(toGrant);
    },
    async revoke(id, at) {
      await db.grant.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: toDate(at) } });
    },
  };
}
