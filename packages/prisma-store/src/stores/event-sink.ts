import type { AuditEvent, EventSink } from '@gatehouse/core';
import type { Prisma } from '../generated/prisma/client.js';
import { toDate, toSeconds } from '../time.js';
import type { Db } from './db.js';

export function prismaEventSink(db: Db): EventSink {
  return {
    async record(event) {
      await db.event.create({
        data: {
          action: event.action,
          at: toDate(event.at),
          applicationId: event.applicationId ?? null,
          userId: event.userId ?? null,
          requestId: event.requestId ?? null,
          context: (event.context ?? {}) as Prisma.InputJsonObject,
        },
      });
    },
  };
}

/** The recorded events, oldest first (for tests and audit views). */
export async function readEvents(db: Db): Promise<AuditEvent[]> {
  const rows = await db.event.findMany({ orderBy: { id: 'asc' } });
  return rows.map((row) => ({
    action: row.action,
    at: toSeconds(row.at),
    ...(row.applicationId !== null ? { applicationId: row.applicationId } : {}),
    ...(row.userId !== null ? { userId: row.userId } : {}),
    ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    ...(Object.keys(row.context as object).length > 0 ? { context: row.context as Record<string, unknown> } : {}),
  }));
}
