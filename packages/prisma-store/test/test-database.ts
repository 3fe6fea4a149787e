import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, connectPostgres, openPglite, type Database } from '../src/index.js';

/** The PostgreSQL server the tests use; each test file gets a database of its own on it. */
export const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const testSecretKey = 'prisma-store-test-secret-key-0123456789abcdef';

export interface TestDatabase {
  readonly database: Database;
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, migrated database on the PostgreSQL server, dropped again by `drop`. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const database = connectPostgres(url.href);
  await applyMigrations(database);
  return {
    database,
    url: url.href,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** A migrated PGlite database in memory. */
export async function createPgliteDatabase(): Promise<Database> {
  const database = await openPglite(undefined);
  await applyMigrations(database);
  return database;
}
