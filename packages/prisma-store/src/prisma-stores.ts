import type { Stores } from '@gatehouse/core';
import type { PrismaClient } from './generated/prisma/client.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { prismaAccessTokenRecordStore } from './stores/access-token-record-store.js';
import { prismaApplicationStore } from './stores/application-store.js';
import { prismaAppPasswordStore } from './stores/app-password-store.js';
import { prismaConsentStore } from './stores/consent-store.js';
import type { Db } from './stores/db.js';
import { prismaEventSink } from './stores/event-sink.js';
import { prismaGrantStore } from './stores/grant-store.js';
import { prismaKeyStore } from './stores/key-store.js';
import { prismaRefreshTokenStore } from './stores/refresh-token-store.js';
import { prismaUserStore } from './stores/user-store.js';

export interface PrismaStoresOptions {
  /** The server's SECRET_KEY: private keys and HS256 client secrets are encrypted with it. */
  readonly secretKey: string;
  /** Longest a unit of work may hold a transaction open, in milliseconds. */
  readonly transactionTimeoutMs?: number;
}

function storesOn(db: Db, box: SecretBox, inTransaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T>, transaction: Stores['transaction']): Stores {
  return {
    applications: prismaApplicationStore(db, box),
    users: prismaUserStore(db, inTransaction),
    appPasswords: prismaAppPasswordStore(db),
    grants: prismaGrantStore(db),
    consents: prismaConsentStore(db),
    accessTokens: prismaAccessTokenRecordStore(db),
    refreshTokens: prismaRefreshTokenStore(db, inTransaction),
    keys: prismaKeyStore(db, box),
    events: prismaEventSink(db),
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
 */
export function prismaStores(prisma: PrismaClient, options: PrismaStoresOptions): Stores {
  const box = createSecretBox(options.secretKey);
  const timeout = options.transactionTimeoutMs ?? 30_000;
  const begin = <T>(work: (tx: Db) => Promise<T>): Promise<T> => prisma.$transaction((tx) => work(tx), { timeout, maxWait: timeout });
  const transaction: Stores['transaction'] = (work, transactionOptions) =>
    begin(async (tx) => {
      // A transaction-scoped advisory lock: released by COMMIT or ROLLBACK, held across processes.
      if (transactionOptions?.exclusive !== undefined) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${transactionOptions.exclusive}))`;
      // Inside a transaction everything runs on `tx`; nested units of work join it.
      const join = <T>(inner: (db: Db) => Promise<T>) => inner(tx);
      const scoped: Stores = storesOn(tx, box, join, (nested) => nested(scoped));
      return work(scoped);
    });
  return storesOn(prisma, box, begin, transaction);
}
