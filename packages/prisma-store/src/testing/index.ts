/**
 * `@gatehouse/prisma-store/testing`: throwaway databases for tests that need a real PostgreSQL.
 *
 * @example
 * const db = await createPostgresDatabase('postgresql://postgres@127.0.0.1:5432/postgres');
 * // ... db.url, db.database.prisma ...
 * await db.drop();
 */
export { createPostgresDatabase } from './create-postgres-database.js';
export type { TestDatabase } from './create-postgres-database.js';
