/** An audit event, named like authentik's events (`authorize_application`, `suspicious_request`, ...). */
export interface AuditEvent {
  readonly action: string;
  readonly at: number;
  readonly applicationId?: string;
  readonly userId?: string;
  readonly requestId?: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface EventSink {
  record(event: AuditEvent): Promise<void>;
  /**
   * Records several events at once (one round trip), in order; optional: `record` one by one
   * otherwise. Used for the events the server writes after answering (`token_issued`).
   */
  recordMany?(events: readonly AuditEvent[]): Promise<void>;
}
