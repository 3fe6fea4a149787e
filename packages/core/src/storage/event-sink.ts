/** An audit event, named like authentik's events (`authorize_application`, `suspicious_request`, ...). */
export interface AuditEvent {
  readonly action: string;
  readonly at: number;
  readonly applicationId?: string;
  readonly userId?: string;
  readonly requestId?: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** A recorded event with the id it was given, which increases with every event recorded. */
export interface RecordedEvent extends AuditEvent {
  readonly id: number;
}

/** Which events {@link EventSink.list} returns, newest first; every field given must match. */
export interface EventQuery {
  readonly action?: string;
  readonly userId?: string;
  readonly applicationId?: string;
  /** At or after this time (epoch seconds). */
  readonly since?: number;
  /** Before this time (epoch seconds). */
  readonly until?: number;
  /** Only events recorded before the one with this id: the last of the previous page. */
  readonly beforeId?: number;
  /** At most this many. */
  readonly limit: number;
}

export interface EventSink {
  record(event: AuditEvent): Promise<void>;
  /**
   * Records several events at once (one round trip), in order; optional: `record` one by one
   * otherwise. Used for the events the server writes after answering (`token_issued`).
   */
  recordMany?(events: readonly AuditEvent[]): Promise<void>;
  /** The recorded events that match, newest first, for audit views (the management API). */
  list(query: EventQuery): Promise<RecordedEvent[]>;
}
