import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.js';

/** A connected database: the Prisma client, plus what the migration runner needs beside it. */
export interface Database {
  readonly prisma: PrismaClient;
  /**
   * Runs `work` while holding the migration lock, with `exec` running multi-statement SQL
   * inside one transaction per call: several processes starting at once migrate one at a time.
   */
  withMigrationLock<T>(work: (exec: (sql: string, afterwards: readonly { text: string; values: readonly unknown[] }[]) => Promise<void>, query: <R>(text: string, values?: readonly unknown[]) => Promise<R[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Any constant shared by every Gatehouse process: the key of pg_advisory_lock.
const migrationLockKey = 7_234_901;

/** PostgreSQL through node-postgres (`@prisma/adapter-pg`). */
export function connectPostgres(
  connectionString: string,
  options: { readonly poolSize?: number; readonly onIdleClientError?: (error: Error) => void } = {},
): Database {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 });
  // An idle connection the server closes (restart, failover) is dropped and replaced by the pool;
  // without a listener node-postgres would turn that into an uncaught exception.
  pool.on('error', options.onIdleClientError ?? (() => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    async withMigrationLock(work) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
        try {
          return await work(
            async (sql, afterwards) => {
              await client.query('BEGIN');
              try {
                await client.query(sql);
                for (const statement of afterwards) await client.query(statement.text, [...statement.values]);
                await client.query('COMMIT');
              } catch (error) {
                await client.query('ROLLBACK');
                throw error;
              }
            },
            async (text, values = []) => (await client.query(text, [...values])).rows,
          );
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite) in `dataDir`, or in memory when `dataDir` is undefined. One
 * process owns a PGlite directory, so the lock is the process itself.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    async withMigrationLock(work) {
      return work(
        async (sql, afterwards) => {
          await db.transaction(async (tx) => {
            await tx.exec(sql);
            for (const statement of afterwards) await tx.query(statement.text, [...statement.values]);
          });
        },
        async <R>(text: string, values: readonly unknown[] = []) => (await db.query<R>(text, [...values])).rows,
      );
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}
