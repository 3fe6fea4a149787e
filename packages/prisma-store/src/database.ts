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

/** Timeouts and pool size of {@link connectPostgres}: a missing or stalled PostgreSQL fails requests within them. */
export interface PostgresOptions {
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** Called when an idle pooled connection fails (server restart, failover); the pool replaces it. */
  readonly onIdleClientError?: (error: Error) => void;
  /**
   * Longest wait for a connection, in milliseconds: opening one (TCP and PostgreSQL handshake) or
   * getting a free one from a busy pool. Default 2000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Longest a statement may run, in milliseconds: PostgreSQL cancels it (`statement_timeout`,
   * lock waits included), and when no answer arrives at all one second later (a stalled network,
   * a frozen server) the connection is dropped, which rolls back its transaction. Default 5000.
   */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL ends a session left idle inside a transaction this long
   * (`idle_in_transaction_session_timeout`), so a vanished process cannot hold row locks. Default 15000.
   */
  readonly idleInTransactionTimeoutMs?: number;
  /** Idle pooled connections are closed after this many milliseconds. Default 10000. */
  readonly idleTimeoutMs?: number;
}

/** The defaults of {@link PostgresOptions}. */
export const postgresDefaults = {
  poolSize: 10,
  connectTimeoutMs: 2000,
  statementTimeoutMs: 5000,
  idleInTransactionTimeoutMs: 15_000,
  idleTimeoutMs: 10_000,
} as const;

// How much longer than statement_timeout the client waits for any answer before it gives up on
// the connection: PostgreSQL's own cancellation normally arrives first.
const deadlineSlackMs = 1000;

/** Raised for a statement that got no answer at all within its deadline (the connection is dropped). */
export class QueryDeadlineError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(deadlineMs: number) {
    super(`PostgreSQL did not answer within ${deadlineMs} ms; the connection was dropped`);
    this.name = 'QueryDeadlineError';
  }
}

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * A node-postgres client whose every query has a deadline. node-postgres's own `query_timeout`
 * only rejects the promise: the connection stays busy with the unanswered query (and may still be
 * inside a transaction) and goes back to the pool, where the next caller would inherit it. Here
 * the connection is closed instead, so PostgreSQL rolls back whatever it had open and the pool
 * throws the client away.
 */
function clientWithDeadline(deadlineMs: number): typeof pg.Client {
  return class DeadlineClient extends pg.Client {
    override query(...args: unknown[]): never {
      const callback = typeof args.at(-1) === 'function' ? (args.pop() as Callback) : undefined;
      const first = args[0] as { submit?: unknown; callback?: unknown } | undefined;
      // Submittables (cursors, streams) and config callbacks manage their own lifecycle.
      if (typeof first?.submit === 'function' || typeof first?.callback === 'function') {
        return (super.query as (...rest: unknown[]) => never)(...args, ...(callback ? [callback] : []));
      }
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        // With a query on the wire, end() destroys the socket at once; queued queries fail too.
        this.end().catch(() => {});
      }, deadlineMs);
      const result = ((super.query as (...rest: unknown[]) => Promise<unknown>)(...args)).then(
        (value) => {
          clearTimeout(timer);
          return value;
        },
        (error: unknown) => {
          clearTimeout(timer);
          throw expired ? Object.assign(new QueryDeadlineError(deadlineMs), { cause: error }) : error;
        },
      );
      if (!callback) return result as never;
      result.then((value) => callback(null, value), (error: Error) => callback(error));
      return undefined as never;
    }
  };
}

/**
 * PostgreSQL through node-postgres (`@prisma/adapter-pg`), with timeouts on connecting and on every
 * statement (see {@link PostgresOptions}), so that an unreachable or stalled server fails calls
 * quickly instead of queueing them; the pool opens new connections by itself once it is back.
 */
export function connectPostgres(connectionString: string, options: PostgresOptions = {}): Database {
  const connectTimeoutMs = options.connectTimeoutMs ?? postgresDefaults.connectTimeoutMs;
  const statementTimeoutMs = options.statementTimeoutMs ?? postgresDefaults.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? postgresDefaults.poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs ?? postgresDefaults.idleTimeoutMs,
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? postgresDefaults.idleInTransactionTimeoutMs,
    keepAlive: true,
    Client: clientWithDeadline(statementTimeoutMs + deadlineSlackMs) as unknown as new () => pg.ClientBase,
  });
  // An idle connection the server closes (restart, failover) is dropped and replaced by the pool;
  // without a listener node-postgres would turn that into an uncaught exception.
  pool.on('error', options.onIdleClientError ?? (() => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    async withMigrationLock(work) {
      // A connection of its own, without statement timeouts: migrations and waiting for another
      // process's migrations may take longer than any request should.
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true });
      client.on('error', () => {});
      await client.connect();
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
        await client.end();
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
