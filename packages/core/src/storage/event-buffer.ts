import type { Clock } from '../clock.js';
import type { AuditEvent, EventSink } from './event-sink.js';

/**
 * Audit events of the hot path (`token_issued`), written after the response instead of before it:
 * queued in memory, then written in batches (`EventSink.recordMany` when the sink has it) once the
 * current turn of the event loop is over. A failed write never fails a request: its events are
 * counted as dropped and reported through `onRecorded` as one `audit_events_dropped` event.
 */
export interface EventBuffer {
  /** Queues `event`; it is written soon, without the caller waiting. */
  add(event: AuditEvent): void;
  /** Resolves once every event queued so far was written or dropped (on shutdown, in tests). */
  flush(): Promise<void>;
  /** How many events were lost so far: failed writes, or a full queue. */
  readonly dropped: number;
}

export interface EventBufferOptions {
  readonly clock: Clock;
  /** Sees every event once it is written, and the `audit_events_dropped` reports (hooks.onEvent). */
  readonly onRecorded?: ((event: AuditEvent) => void) | undefined;
  /** Events waiting beyond this many are dropped: a stalled database must not exhaust memory. */
  readonly maxQueued?: number;
}

const defaultMaxQueued = 10_000;

export function createEventBuffer(sink: Pick<EventSink, 'record' | 'recordMany'>, options: EventBufferOptions): EventBuffer {
  const maxQueued = options.maxQueued ?? defaultMaxQueued;
  let queue: AuditEvent[] = [];
  let writing: Promise<void> | null = null;
  let dropped = 0;
  // Events refused by a full queue since the last report: reported once per batch, not one by one.
  let refused = 0;

  const notify = (event: AuditEvent) => {
    try {
      options.onRecorded?.(event);
    } catch {
      // An observer's failure is not the audit trail's.
    }
  };
  const drop = (count: number, reason: 'write_failed' | 'queue_full', error?: unknown) => {
    if (reason === 'write_failed') dropped += count;
    const message = error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) };
    notify({ action: 'audit_events_dropped', at: options.clock.now(), context: { count, reason, ...message } });
  };
  const drain = async () => {
    while (queue.length > 0) {
      if (refused > 0) {
        drop(refused, 'queue_full');
        refused = 0;
      }
      const batch = queue;
      queue = [];
      try {
        if (sink.recordMany) await sink.recordMany(batch);
        else for (const event of batch) await sink.record(event);
        for (const event of batch) notify(event);
      } catch (error) {
        drop(batch.length, 'write_failed', error);
      }
    }
  };
  const schedule = () => {
    writing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(drain)
      .finally(() => {
        writing = null;
        if (queue.length > 0) schedule();
      });
  };

  return {
    add(event) {
      if (queue.length >= maxQueued) {
        dropped++;
        refused++;
        return;
      }
      queue.push(event);
      schedule();
    },
    async flush() {
      while (writing) await writing;
    },
    get dropped() {
      return dropped;
    },
  };
}
