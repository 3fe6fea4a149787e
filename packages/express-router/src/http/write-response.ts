import type { ServerResponse } from 'node:http';
import type { EndpointResponse } from '@gatehouse/core';
import { noteOutcome } from '../observe/observation.js';

/** Writes an endpoint's JSON answer as it is, without Express's per-response helpers. */
export function writeJson(res: ServerResponse, response: EndpointResponse): void {
  if (response.status >= 400) {
    const code = (response.body as { error?: unknown } | null)?.error;
    if (typeof code === 'string') noteOutcome(res, code);
  }
  const body = response.status === 304 ? '' : (response.json ?? JSON.stringify(response.body));
  res.writeHead(response.status, {
    ...response.headers,
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

// Pages carry codes and consent decisions: never framed, never cached, no referrer leaks.
const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

/** Writes a server-rendered page with a strict Content-Security-Policy. */
export function writeHtml(res: ServerResponse, status: number, html: string, csp: string): void {
  res.writeHead(status, { ...pageHeaders, 'content-security-policy': csp, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** A 303 (after a POST) or 302 redirect that leaks no referrer. */
export function writeRedirect(res: ServerResponse, location: string, status: 302 | 303 = 302): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-length': 0 });
  res.end();
}
