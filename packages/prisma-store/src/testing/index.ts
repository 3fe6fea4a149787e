/**
 * `@gatehouse/prisma-store/testing`: throwaway databases for tests that need a real PostgreSQL, and
 * a loopback TCP proxy that stalls, slows or cuts the connections to it, for fault tests.
 *
 * @example
 * const db = await createPostgresDatabase('postgresql://postgres@127.0.0.1:5432/postgres');
 * // ... db.url, db.database.prisma ...
 * await db.drop();
 */
export { createPostgresDatabase } from './create-postgres-database.js';
export type { TestDatabase } from './create-postgres-database.js';
export { startTcpProxy } from './tcp-proxy.js';
export type { TcpProxy } from './tcp-proxy.js';
