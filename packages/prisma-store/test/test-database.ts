import { applyMigrations, openPglite, type Database } from '../src/index.js';
import { createPostgresDatabase as createOnServer, type TestDatabase } from '../src/testing/index.js';

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
