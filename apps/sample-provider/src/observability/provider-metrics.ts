import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AuditEvent } from '@gatehouse/core';
import type { ObservedRequest } from './observed-request.js';

/** The provider's Prometheus metrics, in a registry of its own (a process may run several providers). */
export interface ProviderMetrics {
  readonly registry: Registry;
  /** Counts a request the provider answered. */
  countRequest(request: ObservedRequest): void;
  /** Counts the audit events that report a failure of a backend. */
  countEvent(event: AuditEvent): void;
  /** The text exposition format, for `GET /metrics`. */
  scrape(): Promise<string>;
}

// The token endpoints: a 200 there is a token issued (GitHub's answers errors with 200 too, so the outcome decides).
const tokenEndpoints: ReadonlySet<string> = new Set(['token', 'github_token']);
// From a cached discovery document (~0.1 ms) to a backend timeout.
const durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `gatehouse_http_requests_total{endpoint,outcome,status}`, `gatehouse_http_request_duration_seconds{endpoint}`,
 * `gatehouse_tokens_issued_total{grant_type}`, `gatehouse_rate_limited_total{endpoint}`,
 * `gatehouse_backend_errors_total{source}` (5xx answers by endpoint, and audit events that could
 * not be written), and prom-client's default process metrics.
 *
 * @example
 * const metrics = createProviderMetrics();
 * metrics.countRequest({ requestId: 'r1', method: 'POST', endpoint: 'token', status: 200, outcome: 'ok', grantType: 'client_credentials', durationMs: 1.2 });
 * await metrics.scrape(); // gatehouse_tokens_issued_total{grant_type="client_credentials"} 1 ...
 */
export function createProviderMetrics(): ProviderMetrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({ name: 'gatehouse_http_requests_total', help: 'Requests answered, by endpoint, outcome (ok, an OAuth error code, rate_limited) and status.', labelNames: ['endpoint', 'outcome', 'status'] as const, registers });
  const duration = new Histogram({ name: 'gatehouse_http_request_duration_seconds', help: 'Time to answer a request, by endpoint.', labelNames: ['endpoint'] as const, buckets: durationBuckets, registers });
  const tokensIssued = new Counter({ name: 'gatehouse_tokens_issued_total', help: 'Token responses issued at the token endpoints, by grant type.', labelNames: ['grant_type'] as const, registers });
  const rateLimited = new Counter({ name: 'gatehouse_rate_limited_total', help: 'Requests refused by a rate limit (429), by endpoint.', labelNames: ['endpoint'] as const, registers });
  const backendErrors = new Counter({ name: 'gatehouse_backend_errors_total', help: 'Server errors and backend failures (5xx answers by endpoint; audit_events when events were dropped).', labelNames: ['source'] as const, registers });
  // At the first scrape: a provider nobody scrapes (tests start dozens per process) keeps no
  // event-loop monitor or GC observer running.
  let processMetrics = false;

  return {
    registry,
    countRequest({ endpoint, outcome, status, grantType, durationMs }) {
      requests.inc({ endpoint, outcome, status });
      duration.observe({ endpoint }, durationMs / 1000);
      if (outcome === 'ok' && grantType !== undefined && tokenEndpoints.has(endpoint)) tokensIssued.inc({ grant_type: grantType });
      else if (outcome === 'rate_limited') rateLimited.inc({ endpoint });
      else if (status >= 500) backendErrors.inc({ source: endpoint });
    },
    countEvent(event) {
      if (event.action === 'audit_events_dropped') backendErrors.inc({ source: 'audit_events' });
    },
    scrape() {
      if (!processMetrics) {
        processMetrics = true;
        collectDefaultMetrics({ register: registry });
      }
      return registry.metrics();
    },
  };
}
