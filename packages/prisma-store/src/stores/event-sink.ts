import type { AuditEvent, EventQuery, EventSink } from '@gatehouse/core';
import { toDate, toSeconds } from '../time.js';
import type { Event as Row, Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';
import { valuesList } from './values-list.js';

// Raw SQL: Prisma's createMany costs its query compiler a pass over every row, and the token
// endpoint writes one event per token.
async function insertEvents(db: Db, events: readonly AuditEvent[]): Promise<void> {
  const { sql, values } = valuesList(
    events.map((event) => [
      event.action,
      toDate(event.at),
      event.applicationId ?? null,
      event.userId ?? null,
      event.requestId ?? null,
      JSON.stringify(event.context ?? {}),
    ]),
    [undefined, undefined, undefined, undefined, undefined, 'jsonb'],
  );
  await db.$executeRawUnsafe(`INSERT INTO "events" ("action", "at", "application_id", "user_id", "request_id", "context") ${sql}`, ...values);
}

export function prismaEventSink(db: Db): EventSink {
  return {
    record: (event) => insertEvents(db, [event]),
    // One INSERT per thousand events of a batch (the events written after the response, `token_issued`).
    async recordMany(events) {
      for (let start = 0; start < events.length; start += 1000) await insertEvents(db, events.slice(start, start + 1000));
    },
    // Served by the (user_id, id), (application_id, id), (action, at) and (at) indexes.
    async list(query) {
      const rows = await db.event.findMany({
        where: eventsWhere(query),
        orderBy: { id: 'desc' },
        take: query.limit,
      });
      return rows.map((row) => ({ id: Number(row.id), ...toAuditEvent(row) }));
    },
  };
}

/** Which events {@link readEvents} returns; every field given must match. */
export interface EventFilter {
  /** Exactly this action, e.g. `token_issued` or `suspicious_request`. */
  readonly action?: string;
  /** At or after this time (epoch seconds). */
  readonly since?: number;
  /** The events of one request (the `request_id` of an error body, the `X-Request-Id` header). */
  readonly requestId?: string;
  /** At most this many, the oldest first. */
  readonly limit?: number;
}

/**
 * The recorded events, oldest first, optionally filtered (for audit views and tests). Each filter
 * field has an index: `(action, at)`, `(at)` and `(request_id)`.
 *
 * @example
 * const replays = await readEvents(database.prisma, { action: 'suspicious_request', since: now - 3600 });
 * const oneRequest = await readEvents(database.prisma, { requestId: '0b9c…' });
 */
export async function readEvents(db: Db, filter: EventFilter = {}): Promise<AuditEvent[]> {
  const rows = await db.event.findMany({
    where: eventsWhere(filter),
    orderBy: { id: 'asc' },
    ...(filter.limit !== undefined ? { take: filter.limit } : {}),
  });
  return rows.map(toAuditEvent);
}

// Prisma leaves out a condition whose value is undefined: a filter field not given matches every event.
function eventsWhere(filter: Omit<EventQuery, 'limit'> & { readonly requestId?: string }): Prisma.EventWhereInput {
  const { action, userId, applicationId, requestId, since, until, beforeId } = filter;
  return {
    action,
    userId,
    applicationId,
    requestId,
    at: { gte: since === undefined ? undefined : toDate(since), lt: until === undefined ? undefined : toDate(until) },
    id: beforeId === undefined ? undefined : { lt: BigInt(beforeId) },
  };
}

function toAuditEvent(row: Row): AuditEvent {
  return {
    action: row.action,
    at: toSeconds(row.at),
    ...(row.applicationId !== null ? { applicationId: row.applicationId } : {}),
    ...(row.userId !== null ? { userId: row.userId } : {}),
    ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    ...(Object.keys(row.context as object).length > 0 ? { context: row.context as Record<string, unknown> } : {}),
  };
}
