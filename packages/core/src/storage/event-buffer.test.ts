import { manualClock } from '../testing/fixtures.js';
import { createEventBuffer } from './event-buffer.js';
import type { AuditEvent, EventSink } from './event-sink.js';

// What the buffer uses of a sink: it only writes.
type WritingSink = Pick<EventSink, 'record' | 'recordMany'>;

const event = (i: number): AuditEvent => ({ action: 'token_issued', at: 1_700_000_000 + i, requestId: `request-${i}` });

describe('createEventBuffer', () => {
  it('writes nothing while the caller runs, then everything queued in one batch', async () => {
    const batches: (readonly AuditEvent[])[] = [];
    const sink: WritingSink = { record: async () => undefined, recordMany: async (events) => void batches.push(events) };
    const seen: AuditEvent[] = [];
    const buffer = createEventBuffer(sink, { clock: manualClock(), onRecorded: (e) => void seen.push(e) });
    for (let i = 0; i < 3; i++) buffer.add(event(i));
    expect(batches).toEqual([]);
    await buffer.flush();
    expect(batches).toEqual([[event(0), event(1), event(2)]]);
    expect(seen).toEqual([event(0), event(1), event(2)]);
    expect(buffer.dropped).toBe(0);
  });

  it('records one by one when the sink has no recordMany, in order', async () => {
    const recorded: AuditEvent[] = [];
    const buffer = createEventBuffer({ record: async (e) => void recorded.push(e) }, { clock: manualClock() });
    buffer.add(event(0));
    buffer.add(event(1));
    await buffer.flush();
    expect(recorded).toEqual([event(0), event(1)]);
  });

  it('queues what arrives during a write for the next batch', async () => {
    const batches: (readonly AuditEvent[])[] = [];
    let release!: () => void;
    const sink: WritingSink = {
      record: async () => undefined,
      recordMany: async (events) => {
        batches.push(events);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    };
    const buffer = createEventBuffer(sink, { clock: manualClock() });
    buffer.add(event(0));
    await new Promise((resolve) => setImmediate(resolve));
    buffer.add(event(1));
    buffer.add(event(2));
    release();
    await buffer.flush();
    expect(batches).toEqual([[event(0)], [event(1), event(2)]]);
  });

  it('counts a failed batch as dropped and reports it through onRecorded, without throwing', async () => {
    const seen: AuditEvent[] = [];
    const sink: WritingSink = { record: async () => undefined, recordMany: async () => Promise.reject(new Error('connection refused')) };
    const clock = manualClock();
    const buffer = createEventBuffer(sink, { clock, onRecorded: (e) => void seen.push(e) });
    buffer.add(event(0));
    buffer.add(event(1));
    await buffer.flush();
    expect(buffer.dropped).toBe(2);
    expect(seen).toEqual([{ action: 'audit_events_dropped', at: clock.now(), context: { count: 2, reason: 'write_failed', error: 'connection refused' } }]);
  });

  it('drops what does not fit in the queue, and reports it once', async () => {
    const seen: AuditEvent[] = [];
    const written: AuditEvent[] = [];
    const sink: WritingSink = { record: async () => undefined, recordMany: async (events) => void written.push(...events) };
    const buffer = createEventBuffer(sink, { clock: manualClock(), maxQueued: 2, onRecorded: (e) => void seen.push(e) });
    for (let i = 0; i < 5; i++) buffer.add(event(i));
    await buffer.flush();
    expect(written).toEqual([event(0), event(1)]);
    expect(buffer.dropped).toBe(3);
    expect(seen.filter((e) => e.action === 'audit_events_dropped')).toEqual([
      { action: 'audit_events_dropped', at: expect.any(Number), context: { count: 3, reason: 'queue_full' } },
    ]);
  });

  it('survives an observer that throws', async () => {
    const written: AuditEvent[] = [];
    const sink: WritingSink = { record: async () => undefined, recordMany: async (events) => void written.push(...events) };
    const buffer = createEventBuffer(sink, { clock: manualClock(), onRecorded: () => { throw new Error('logger down'); } });
    buffer.add(event(0));
    await buffer.flush();
    buffer.add(event(1));
    await buffer.flush();
    expect(written).toEqual([event(0), event(1)]);
    expect(buffer.dropped).toBe(0);
  });
});
