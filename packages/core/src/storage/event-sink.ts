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
}
