import { OAuthError } from '@gatehouse/core';
import { QueryDeadlineError } from './database.js';

/** Sent as `Retry-After` with every database outage. */
export const databaseRetryAfterSeconds = 5;

// Prisma's codes for an unreachable server, a connection that dropped or timed out, and a
// connection pool that had nothing free in time.
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

// What @prisma/adapter-pg reports for sockets that fail and for a full server.
const adapterKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

// SQLSTATEs about the server or the connection, never about the data: class 08 (connection
// exception), 53300 too many connections, 57014 statement_timeout, 57P01-57P03 shutdown, crash,
// startup, 25P03 idle_in_transaction_session_timeout, 55P03 lock_timeout.
const unavailableStates = /^(08...|53300|57014|57P0[123]|25P03|55P03)$/;

// Node's socket errors.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

// What node-postgres and its pool throw as plain errors, without a code.
const driverMessages = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
];

// P2028 is also a programming error (a transaction used after it ended); only its timeouts count.
const transactionTimeout = /in the given time|expired transaction/;

function describes(error: Record<string, unknown>): boolean {
  if (error instanceof QueryDeadlineError) return true;
  const code = typeof error['code'] === 'string' ? error['code'] : typeof error['errorCode'] === 'string' ? error['errorCode'] : undefined;
  if (code !== undefined && (prismaCodes.has(code) || socketCodes.has(code) || unavailableStates.test(code))) return true;
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  if (code === 'P2028' && transactionTimeout.test(message)) return true;
  if (driverMessages.some((pattern) => pattern.test(message))) return true;
  // The driver adapter's own report, as Prisma keeps it on KnownRequestError.meta.
  const meta = error['meta'] as { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown; code?: unknown } } } | undefined;
  const adapter = meta?.driverAdapterError?.cause;
  if (adapter) {
    if (typeof adapter.kind === 'string' && adapterKinds.has(adapter.kind)) return true;
    const state = adapter.originalCode ?? adapter.code;
    if (typeof state === 'string' && unavailableStates.test(state)) return true;
  }
  return false;
}

/**
 * Whether a database failure is about reachability or time (refused, reset or dropped
 * connections, timeouts, a full server or pool), as opposed to the query or the data: only those
 * become `temporarily_unavailable`. Causes are followed, since Prisma and the driver wrap each other.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (current instanceof OAuthError) return false;
    if (describes(current as Record<string, unknown>)) return true;
  }
  return false;
}

/** RFC 6749 `temporarily_unavailable` (503, `Retry-After`) for a database outage; the cause stays in the logs. */
export function databaseUnavailable(cause: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', 'the database is unavailable; try again shortly', {
    retryAfterSeconds: databaseRetryAfterSeconds,
    cause,
    detail: `postgres: ${cause instanceof Error ? cause.message.trim().split('\n').at(-1) : String(cause)}`,
  });
}

/** `error` as {@link databaseUnavailable} when it is an outage, unchanged otherwise. */
export function mapDatabaseError(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? databaseUnavailable(error) : error;
}

/**
 * The same store with every method's outage failures turned into `temporarily_unavailable`;
 * every other error (constraint violations, bugs) passes through untouched.
 */
export function failingFast<T extends object>(store: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...rest: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              throw mapDatabaseError(error);
            }
          }
        : value;
  }
  return wrapped as T;
}
