// GET /metrics of the reference provider (prom-client, one registry per provider): after real
// requests the request counter, latency histogram, tokens issued, rate-limit refusals and backend
// errors moved with the right labels, next to the default process metrics; METRICS_TOKEN guards it.
import { memoryCodeCache, type CodeCache } from '@gatehouse/core';
import { readEnv } from '../../src/env.js';
import { Browser } from '../browser.js';
import { secretOf, seedApplication } from '../oidc-flow.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';

const metricsToken = 'metrics-token-0123456789abcdef';
const seed = {
  users: [{ username: 'alice', password: 'Alice-Password-42!', name: 'Alice', email: 'alice@example.com' }],
  keys: [{ name: 'ec', alg: 'ES256' }],
  applications: [seedApplication('m2m', { signing_key: 'ec' }), seedApplication('other', { signing_key: 'ec' })],
};

// A code cache that fails on demand: the device authorization endpoint then meets a backend error.
let codeCacheDown = false;
function failingCodeCache(): CodeCache {
  const cache = memoryCodeCache();
  return new Proxy(cache, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (codeCacheDown) throw new Error('code cache unreachable');
        return (value as (...inner: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let provider: RunningProvider;
let open: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed, { codes: failingCodeCache() }, { metricsToken, rateLimits: { token: { points: 2, durationSeconds: 60 } } });
  open = await startProvider(seed);
});
afterAll(async () => {
  await provider.close();
  await open.close();
});

const basic = (slug: string) => `Basic ${Buffer.from(`${slug}-client:${secretOf(slug)}`).toString('base64')}`;
const post = (base: string, path: string, params: Record<string, string>, authorization: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: new URLSearchParams(params) });

async function scrape(target: RunningProvider, token?: string): Promise<string> {
  const res = await fetch(`${target.baseUrl}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('x-request-id')).toEqual(expect.any(String));
  return res.text();
}

/** The value of one sample, e.g. `gatehouse_tokens_issued_total{grant_type="client_credentials"}`; 0 when absent. */
function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] === undefined ? [] : match[2].split(/,(?=[a-z_]+=")/);
    if (present.length === wanted.length && wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  it('refuses a scrape without METRICS_TOKEN, with an RFC 6750 challenge and the JSON error body', async () => {
    const missing = await fetch(`${provider.baseUrl}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String), request_id: missing.headers.get('x-request-id') });
    const wrong = await fetch(`${provider.baseUrl}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="metrics", error="invalid_token"');
    expect(await wrong.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('counts requests by endpoint, outcome and status, their latency, tokens by grant, rate-limit refusals and backend errors', async () => {
    const before = await scrape(provider, metricsToken);
    const tokens = () => post(provider.baseUrl, '/application/o/token/', { grant_type: 'client_credentials' }, basic('m2m'));
    const statuses = [(await tokens()).status, (await tokens()).status, (await tokens()).status];
    expect(statuses).toEqual([200, 200, 429]);
    expect((await post(provider.baseUrl, '/application/o/token/', { grant_type: 'client_credentials' }, basic('other').replace(/.{4}$/, 'AAAA'))).status).toBe(401);
    expect((await fetch(`${provider.baseUrl}/application/o/m2m/.well-known/openid-configuration`)).status).toBe(200);
    codeCacheDown = true;
    const failed = await post(provider.baseUrl, '/application/o/device/', {}, basic('other'));
    codeCacheDown = false;
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const failedOutcome = ((await failed.json()) as { error: string }).error;
    const login = new Browser();
    const page = await login.get(`${provider.baseUrl}/login`);
    const form = Browser.forms(await page.text(), `${provider.baseUrl}/login`).find((candidate) => 'password' in candidate.fields)!;
    expect((await login.submit(form, { username: 'alice', password: 'wrong-password' })).status).toBe(401);

    const after = await scrape(provider, metricsToken);
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('gatehouse_http_requests_total', { endpoint: 'token', outcome: 'ok', status: '200' })).toBe(2);
    expect(moved('gatehouse_http_requests_total', { endpoint: 'token', outcome: 'rate_limited', status: '429' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { endpoint: 'token', outcome: 'invalid_client', status: '401' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { endpoint: 'discovery', outcome: 'ok', status: '200' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { endpoint: 'device_authorization', outcome: failedOutcome, status: String(failed.status) })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { endpoint: '/login', outcome: 'ok', status: '200' })).toBe(1);
    expect(moved('gatehouse_http_requests_total', { endpoint: '/login', outcome: 'access_denied', status: '401' })).toBe(1);
    expect(moved('gatehouse_tokens_issued_total', { grant_type: 'client_credentials' })).toBe(2);
    expect(moved('gatehouse_rate_limited_total', { endpoint: 'token' })).toBe(1);
    expect(moved('gatehouse_backend_errors_total', { source: 'device_authorization' })).toBe(1);
    expect(moved('gatehouse_http_request_duration_seconds_count', { endpoint: 'token' })).toBe(4);
    expect(moved('gatehouse_http_request_duration_seconds_bucket', { endpoint: 'token', le: '+Inf' })).toBe(4);
    expect(moved('gatehouse_http_request_duration_seconds_sum', { endpoint: 'token' })).toBeGreaterThan(0);
    // The first scrape counted itself once it was answered.
    expect(sample(after, 'gatehouse_http_requests_total', { endpoint: '/metrics', outcome: 'ok', status: '200' })).toBeGreaterThanOrEqual(1);
    // prom-client's default process metrics.
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
  });

  it('keeps each provider’s metrics apart, and is open when no METRICS_TOKEN is set', async () => {
    expect((await post(open.baseUrl, '/application/o/token/', { grant_type: 'client_credentials' }, basic('m2m'))).status).toBe(200);
    const text = await scrape(open);
    expect(sample(text, 'gatehouse_tokens_issued_total', { grant_type: 'client_credentials' })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limited_total', { endpoint: 'token' })).toBe(0);
  });
});

describe('METRICS_TOKEN', () => {
  it('is optional, and refused when shorter than 16 characters', () => {
    expect(readEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(readEnv({ METRICS_TOKEN: metricsToken }).METRICS_TOKEN).toBe(metricsToken);
    expect(() => readEnv({ METRICS_TOKEN: 'too-short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });
});
