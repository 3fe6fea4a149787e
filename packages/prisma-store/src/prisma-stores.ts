import type { Stores } from '@gatehouse/core';
import type { PrismaClient } from './generated/prisma/client.js';
import { failingFast, mapDatabaseError } from './database-unavailable.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { prismaAccessTokenRecordStore } from './stores/access-token-record-store.js';
import { prismaApplicationStore } from './stores/application-store.js';
import { prismaAppPasswordStore } from './stores/app-password-store.js';
import { batchedAccessTokenRecordStore } from './stores/batched-access-token-record-store.js';
import { prismaConsentStore } from './stores/consent-store.js';
import type { Db } from './stores/db.js';
import { prismaEventSink } from './stores/event-sink.js';
import { prismaGrantStore } from './stores/grant-store.js';
import { prismaKeyStore } from './stores/key-store.js';
import { prismaRefreshTokenStore } from './stores/refresh-token-store.js';
import { prismaScopeMappingStore } from './stores/scope-mapping-store.js';
import { prismaUserStore } from './stores/user-store.js';

export interface PrismaStoresOptions {
  /** The server's SECRET_KEY: private keys and HS256 client secrets are encrypted with it. */
  readonly secretKey: string;
  /** Longest a unit of work may hold a transaction open, in milliseconds. */
  readonly transactionTimeoutMs?: number;
}

// Every method fails fast: outages become `temporarily_unavailable` (503), other errors stay as they are.
// Outside transactions (`batched`) the hot calls of concurrent requests share statements; a
// transaction's stores run every call on it, one statement each, in order.
function storesOn(db: Db, box: SecretBox, inTransaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T>, transaction: Stores['transaction'], batched: boolean): Stores {
  return {
    applications: failingFast(prismaApplicationStore(db, box, { batchReads: batched })),
    users: failingFast(prismaUserStore(db, inTransaction, { batchReads: batched })),
    appPasswords: failingFast(prismaAppPasswordStore(db)),
    grants: failingFast(prismaGrantStore(db, { batchReads: batched })),
    consents: failingFast(prismaConsentStore(db)),
    accessTokens: failingFast(batched ? batchedAccessTokenRecordStore(db) : prismaAccessTokenRecordStore(db)),
    refreshTokens: failingFast(prismaRefreshTokenStore(db, { batchReads: batched })),
    keys: failingFast(prismaKeyStore(db, box)),
    scopeMappings: failingFast(prismaScopeMappingStore(db)),
    events: failingFast(prismaEventSink(db)),
    transaction,
  };
}

/**
 * Every durable port of Gatehouse on PostgreSQL through Prisma 7 (`connectPostgres` or
 * `openPglite` give the client).
 *
 * @example
 * const database = connectPostgres(process.env.DATABASE_URL!);
 * await applyMigrations(database);
 * const server = createAuthorizationServer({ baseUrl, stores: prismaStores(database.prisma, { secretKey }), codes });
 *
 * A database that cannot be reached or does not answer in time (see `connectPostgres`'s timeouts)
 * makes every call reject with `OAuthError('temporarily_unavailable')`, which the token endpoint
 * answers with 503 and `Retry-After`; a unit of work that fails so is rolled back whole.
 */
export function prismaStores(prisma: PrismaClient, options: PrismaStoresOptions): Stores {
  const box = createSecretBox(options.secretKey);
  const timeout = options.transactionTimeoutMs ?? 30_000;
  // Failing to begin or to commit is an outage like any other; errors of the work pass through.
  const begin = async <T>(work: (tx: Db) => Promise<T>): Promise<T> => {
    try {
      return await prisma.$transaction((tx) => work(tx), { timeout, maxWait: timeout });
    } catch (error) {
      throw mapDatabaseError(error);
    }
  };
  // A transaction-scoped advisory lock: released by COMMIT or ROLLBACK, held across processes.
  const lock = async (tx: Db, name: string | undefined) => {
    if (name === undefined) return;
    try {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${name}))`;
    } catch (error) {
      throw mapDatabaseError(error);
    }
  };
  const transaction: Stores['transaction'] = (work, transactionOptions) =>
    begin(async (tx) => {
      await lock(tx, transactionOptions?.exclusive);
      // Inside a transaction everything runs on `tx`; nested units of work join it, and a nested
      // `exclusive` takes its lock on it, held until the outer transaction ends.
      const join = <T>(inner: (db: Db) => Promise<T>) => inner(tx);
      const scoped: Stores = storesOn(tx, box, join, async (nested, nestedOptions) => {
        await lock(tx, nestedOptions?.exclusive);
        return nested(scoped);
      }, false);
      return work(scoped);
    });
  return storesOn(prisma, box, begin, transaction, true);
}
