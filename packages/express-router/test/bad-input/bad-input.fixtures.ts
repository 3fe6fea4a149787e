// Helpers of the bad-input suites (issue 8, "Bad input never hurts"): raw requests with exactly
// the bytes and headers a test chooses, and the exact error contracts of JSON endpoints and pages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { oauthRouter } from '../../src/index.js';
import { basicAuthorization, clients, jsonOf, type TestServer } from '../fixtures.js';

export const revokePath = '/application/o/revoke/';
export const introspectPath = '/application/o/introspect/';
export const devicePath = '/application/o/device/';
export const githubTokenPath = '/login/oauth/access_token';

/** The confidential client's Basic credentials. */
export const confidentialBasic = basicAuthorization(clients.confidential.clientId, clients.confidential.secret);

/** POST exactly `body` (text or bytes) with exactly these headers; no content type unless given. */
export function post(t: Pick<TestServer, 'baseUrl'>, path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers, body });
}

export const form = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/**
 * The one JSON error body of Gatehouse, exactly: `{ error, error_description, request_id }` with
 * the description in RFC 6749 §5.2's characters and the request id of the `X-Request-Id` header.
 */
export async function expectOAuthError(res: Response, status: number, error: string, description?: string | RegExp): Promise<void> {
  const body = await jsonOf(res);
  const requestId = res.headers.get('x-request-id');
  expect({ status: res.status, type: res.headers.get('content-type'), body }).toEqual({
    status,
    type: 'application/json; charset=utf-8',
    body: {
      error,
      error_description: description === undefined ? expect.stringMatching(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/) : typeof description === 'string' ? description : expect.stringMatching(description),
      request_id: requestId,
    },
  });
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
}

/** A server-rendered error page: HTML with this status, the description shown, never a redirect. */
export async function expectErrorPage(res: Response, status: number, description: string | RegExp): Promise<void> {
  const html = await res.text();
  expect({ status: res.status, type: res.headers.get('content-type'), location: res.headers.get('location') }).toEqual({ status, type: 'text/html; charset=utf-8', location: null });
  if (typeof description === 'string') expect(html).toContain(description);
  else expect(html).toMatch(description);
  expect(html).not.toMatch(/\bat .*:\d+:\d+|node_modules|Error:/);
}

/** The router behind body parsers a host mounted first (`express.json()`, an extended `urlencoded`). */
export async function behindBodyParsers(t: TestServer, ...parsers: RequestHandler[]): Promise<{ readonly baseUrl: string; close(): Promise<void> }> {
  const app = express();
  for (const parser of parsers) app.use(parser);
  app.use(oauthRouter(t.server, { currentUser: () => null, loginUrl: '/login' }));
  const http: Server = createServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve()))),
  };
}
