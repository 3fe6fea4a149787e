import type { RecordedEvent } from '@gatehouse/core';
import { z } from 'zod';
import { epochSecondsSchema } from '../admin/index.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { pageFrom, pageQuerySchema, pageSchema, readCursor } from './page.js';

const eventSchema = z.object({
  id: z.int(),
  action: z.string().describe('authentik-style event name: login, token_issued, token_revoked, suspicious_request, ...'),
  at: z.int().describe('Epoch seconds.'),
  user_id: z.string().nullable(),
  application_id: z.string().nullable(),
  request_id: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
});

// Query strings are text: the same bounds as epochSecondsSchema, after conversion.
const epochSeconds = z.coerce.number().int().min(epochSecondsSchema.minValue ?? 0).max(epochSecondsSchema.maxValue ?? Number.MAX_SAFE_INTEGER);
const eventQuery = pageQuerySchema.extend({
  action: z.string().min(1).max(100).optional(),
  user_id: z.string().min(1).max(256).optional(),
  application_id: z.string().min(1).max(256).optional(),
  since: epochSeconds.optional().describe('At or after this time, epoch seconds.'),
  until: epochSeconds.optional().describe('Before this time, epoch seconds.'),
});

const eventView = (event: RecordedEvent) => ({
  id: event.id,
  action: event.action,
  at: event.at,
  user_id: event.userId ?? null,
  application_id: event.applicationId ?? null,
  request_id: event.requestId ?? null,
  context: { ...event.context },
});

/** The audit trail, newest first, filtered by action, user, application and time. */
export const eventRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary: 'List audit events, newest first',
    tag: 'events',
    query: eventQuery,
    response: pageSchema(eventSchema),
    async handle({ query, api }) {
      const beforeId = readCursor(query.cursor, z.int());
      const { limit, cursor: _cursor, user_id: userId, application_id: applicationId, ...filter } = query;
      const events = await api.stores.events.list({
        ...filter,
        ...(userId !== undefined ? { userId } : {}),
        ...(applicationId !== undefined ? { applicationId } : {}),
        ...(beforeId !== undefined ? { beforeId } : {}),
        limit: limit + 1,
      });
      return pageFrom(events, limit, (last) => last.id, eventView);
    },
  }),
];
