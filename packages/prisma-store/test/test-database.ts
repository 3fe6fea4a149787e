import type { Stores } from '@gatehouse/core';
import { applyMigrations, connectPostgres, openPglite, prismaStores, type Database, type PostgresOptions } from '../src/index.js';
import { createPostgresDatabase as createOnServer, startTcpProxy, type TcpProxy, type TestDatabase } from '../src/testing/index.js';

/** The PostgreSQL server the tests use; each test file gets a database of its own on it. */
export const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const testSecretKey = 'prisma-store-test-secret-key-0123456789abcdef';
export type { TestDatabase };

export const createPostgresDatabase = (): Promise<TestDatabase> => createOnServer(postgresUrl);

/** A migrated PGlite database in memory. */
export async function createPgliteDatabase(): Promise<Database> {
  const database = await openPglite(undefined);
  await applyMigrations(database);
  return database;
}

/** A fresh PostgreSQL database reached through a TCP proxy that tests can pause, cut and restore. */
export interface ProxiedDatabase {
  readonly db: TestDatabase;
  readonly proxy: TcpProxy;
  /** The connection through the proxy, and the stores on it. */
  readonly proxied: Database;
  readonly stores: Stores;
  close(): Promise<void>;
}

export async function openProxiedDatabase(options: PostgresOptions): Promise<ProxiedDatabase> {
  const db = await createPostgresDatabase();
  const { hostname, port } = new URL(db.url);
  const proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
  const proxied = connectPostgres(proxy.urlThrough(db.url), options);
  return {
    db,
    proxy,
    proxied,
    stores: prismaStores(proxied.prisma, { secretKey: testSecretKey }),
    async close() {
      await proxied.close().catch(() => undefined);
      await proxy.close();
      await db.drop();
    },
  };
}
