import type { AuditEvent, EventSink } from '@gatehouse/core';
import type { Prisma } from '../generated/prisma/client.js';
import { toDate, toSeconds } from '../time.js';
import type { Db } from './db.js';

const toRow = (event: AuditEvent) => ({
  action: event.action,
  at: toDate(event.at),
  applicationId: event.applicationId ?? null,
  userId: event.userId ?? null,
  requestId: event.requestId ?? null,
  context: (event.context ?? {}) as Prisma.InputJsonObject,
});

export function prismaEventSink(db: Db): EventSink {
  return {
    async record(event) {
      await db.event.create({ data: toRow(event) });
    },
    // One INSERT for a whole batch (the events written after the response, `token_issued`).
    async recordMany(events) {
      if (events.length > 0) await db.event.createMany({ data: events.map(toRow) });
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
    where: {
      ...(filter.action !== undefined ? { action: filter.action } : {}),
      ...(filter.since !== undefined ? { at: { gte: toDate(filter.since) } } : {}),
      ...(filter.requestId !== undefined ? { requestId: filter.requestId } : {}),
    },
    orderBy: { id: 'asc' },
    ...(filter.limit !== undefined ? { take: filter.limit } : {}),
  });
  return rows.map((row) => ({
    action: row.action,
    at: toSeconds(row.at),
    ...(row.applicationId !== null ? { applicationId: row.applicationId } : {}),
    ...(row.userId !== null ? { userId: row.userId } : {}),
    ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    ...(Object.keys(row.context as object).length > 0 ? { context: row.context as Record<string, unknown> } : {}),
  }));
}
