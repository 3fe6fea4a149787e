// readEvents: the audit trail is queryable by action, time and request id (and the request id
// has an index of its own), and token_issued batches land in one INSERT.
import type { AuditEvent } from '@gatehouse/core';
import { prismaStores, readEvents, type Database } from '../src/index.js';
import { createPgliteDatabase, testSecretKey } from './test-database.js';

let database: Database;
beforeAll(async () => {
  database = await createPgliteDatabase();
  const stores = prismaStores(database.prisma, { secretKey: testSecretKey });
  for (const event of events) await stores.events.record(event);
}, 60_000);
afterAll(() => database.close());

const events: AuditEvent[] = [
  { action: 'login', at: 1_700_000_000, userId: 'user-1', requestId: 'request-a' },
  { action: 'token_issued', at: 1_700_000_010, applicationId: 'app-1', userId: 'user-1', requestId: 'request-b', context: { grantType: 'authorization_code', scopes: ['openid'] } },
  { action: 'suspicious_request', at: 1_700_000_020, applicationId: 'app-1', requestId: 'request-c', context: { reason: 'authorization_code_replayed' } },
  { action: 'token_issued', at: 1_700_000_030, applicationId: 'app-2', userId: 'user-2', requestId: 'request-d', context: { grantType: 'refresh_token', scopes: [] } },
];

describe('readEvents', () => {
  it('answers every event, oldest first, without a filter', async () => {
    expect(await readEvents(database.prisma)).toEqual(events);
  });

  it.each([
    ['an action', { action: 'token_issued' }, [events[1], events[3]]],
    ['a time: at or after since', { since: 1_700_000_020 }, [events[2], events[3]]],
    ['a request id', { requestId: 'request-c' }, [events[2]]],
    ['an action and a time together', { action: 'token_issued', since: 1_700_000_011 }, [events[3]]],
    ['a limit, oldest first', { limit: 2 }, [events[0], events[1]]],
    ['nothing that matches', { action: 'token_issued', requestId: 'request-a' }, []],
  ])('filters by %s', async (_name, filter, expected) => {
    expect(await readEvents(database.prisma, filter)).toEqual(expected);
  });

  it('has an index on the request id', async () => {
    const indexes = await database.prisma.$queryRaw<{ indexdef: string }[]>`SELECT indexdef FROM pg_indexes WHERE tablename = 'events'`;
    expect(indexes.map((row) => row.indexdef)).toContainEqual(expect.stringContaining('(request_id)'));
  });
});
