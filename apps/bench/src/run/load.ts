import autocannon from 'autocannon';

/** One kind of request a scenario repeats. `nextBody` gives each request its own body (a fresh code). */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly nextBody?: () => string;
  /** How many requests found no fresh value for `nextBody` (see CodePool). */
  readonly overdrawn?: () => number;
  /** Checks one response body before the run: why it is not the work compared, or null. */
  readonly check?: (body: string) => string | null;
}

export interface Measurement {
  /** Mean requests per second over the measured run (autocannon's per-second samples). */
  readonly rps: number;
  /** Latency percentiles in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  /** Responses outside 2xx. */
  readonly non2xx: number;
  readonly total: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
}

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

function toAutocannon(request: LoadRequest): autocannon.Request {
  const headers = { ...(request.method === 'POST' ? formHeaders : {}), ...request.headers };
  const base: autocannon.Request = { method: request.method, path: request.path, headers, ...(request.body !== undefined ? { body: request.body } : {}) };
  if (!request.nextBody) return base;
  const next = request.nextBody;
  // Called by autocannon before every request: one code is never sent twice.
  return { ...base, setupRequest: (built) => ({ ...built, body: next() }) };
}

/** One autocannon run of `request` (keep-alive connections, no pipelining). */
export async function runLoad(request: LoadRequest, options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [toAutocannon(request)],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/**
 * Sends `request` once and returns the status and body, so a scenario that does not work is
 * reported with the server's own answer instead of as a column of non-2xx counts. A 2xx that
 * fails `check` comes back as status 0 with the reason.
 */
export async function probe(url: string, request: LoadRequest): Promise<{ readonly status: number; readonly body: string }> {
  const headers = { ...(request.method === 'POST' ? formHeaders : {}), ...request.headers };
  const body = request.nextBody ? request.nextBody() : request.body;
  const response = await fetch(url + request.path, { method: request.method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  const text = await response.text();
  const mismatch = response.ok && request.check ? request.check(text) : null;
  return { status: mismatch ? 0 : response.status, body: mismatch ?? text.slice(0, 500) };
}
