// Fixtures of the logout tests: the end-session endpoint, ID tokens crafted with the fixture's
// key, a scheduler that runs retries at once, and a relying party that receives back-channel
// logout tokens over HTTP.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scheduler } from '@gatehouse/core';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { cookiesOf, get, hiddenInputs, postForm, testUser, type Params, type RequestOptions, type TestServer } from '../fixtures.js';

export const endSessionPath = (slug: string): string => `/application/o/${encodeURIComponent(slug)}/end-session/`;
export const confirmPath = (slug: string): string => `/application/o/${encodeURIComponent(slug)}/end-session/confirm/`;

/** GET the end-session endpoint of `slug` with `params` as the query. */
export function endSession(t: TestServer, slug: string, params: Params, options: RequestOptions = {}): Promise<Response> {
  return get(t, `${endSessionPath(slug)}?${new URLSearchParams(params)}`, options);
}

/** An ID token signed with the fixture's ES256 key (or `key`), for hints the server never issued. */
export async function signedIdToken(t: TestServer, payload: JWTPayload, key: { readonly privateJwk: Record<string, unknown>; readonly kid: string } = t.signingKey): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid }).sign(privateKey);
}

/** The claims of a JWT, unverified. */
export const claimsOf = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

/** What the logout confirmation page asks: its form fields and CSRF cookie. */
export interface ConfirmationForm {
  readonly html: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly csrfCookie: string;
}

export async function confirmationFormOf(res: Response): Promise<ConfirmationForm> {
  const html = await res.text();
  if (res.status !== 200 || !html.includes('name="decision" value="allow"')) throw new Error(`expected a logout confirmation page, got ${res.status}: ${html}`);
  const inputs = hiddenInputs(html);
  return { html, interaction: inputs['interaction']!, csrfToken: inputs['csrf_token']!, csrfCookie: cookiesOf(res)['gatehouse-csrf'] ?? inputs['csrf_token']! };
}

/** Answers the confirmation page of `slug` as the test user unless `options` says otherwise. */
export function answerConfirmation(t: TestServer, slug: string, form: ConfirmationForm, decision: 'allow' | 'deny', options: RequestOptions = {}): Promise<Response> {
  return postForm(
    t,
    confirmPath(slug),
    { interaction: form.interaction, csrf_token: form.csrfToken, decision },
    { user: testUser.id, ...options, headers: { cookie: `gatehouse-csrf=${form.csrfCookie}`, ...options.headers } },
  );
}

/** A scheduler that runs every task on the next turn of the event loop and records the delays asked for. */
export function immediateScheduler(): Scheduler & { readonly delays: number[] } {
  const delays: number[] = [];
  return { delays, schedule: (delaySeconds, task) => void (delays.push(delaySeconds), setImmediate(task)) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One request the relying party received. */
export interface ReceivedLogout {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: URLSearchParams;
}

/** A relying party's back-channel logout endpoint on 127.0.0.1. */
export interface RelyingParty {
  readonly url: (path: string) => string;
  readonly received: ReceivedLogout[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a relying party that answers each back-channel request with the next status of
 * `statuses` (the last one repeats), or never answers while `hold` is pending.
 */
export async function startRelyingParty(statuses: readonly number[] = [200], hold?: Promise<void>): Promise<RelyingParty> {
  const received: ReceivedLogout[] = [];
  const http: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const status = statuses[Math.min(received.length, statuses.length - 1)]!;
    received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: new URLSearchParams(body) });
    if (hold) await hold;
    res.writeHead(status, { 'cache-control': 'no-store' }).end();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
