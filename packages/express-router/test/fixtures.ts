// Test fixture: a real Express 5 app with the Gatehouse router, listening on 127.0.0.1:0, backed by
// the in-memory stores. Tests talk to it with Node's global fetch and `redirect: 'manual'`.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import proxyAddr from 'proxy-addr';
import {
  createAuthorizationServer,
  createKeyRecord,
  digestToken,
  memoryCodeCache,
  memoryStores,
  systemClock,
  type Application,
  type AuthorizationServer,
  type Clock,
  type CodeCache,
  type Hooks,
  type Scheduler,
  type KeyRecord,
  type MemoryStores,
  type ScopeMapping,
  type SettingsInput,
  type User,
} from '@gatehouse/core';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyResult } from 'jose';
import { oauthRouter, type RateLimitOptions, type RequestObserver } from '../src/index.js';
import { makeApplication as makeCoreApplication } from '@gatehouse/core/testing';

/** A registered client as the tests know it: the secret in clear, the first redirect URI. */
export interface TestClient {
  readonly slug: string;
  readonly clientId: string;
  /** Undefined for public clients. */
  readonly secret: string | undefined;
  readonly redirectUri: string;
}

const client = <S extends string | undefined>(slug: string, clientId: string, secret: S, redirectUri: string) => ({
  slug,
  clientId,
  secret,
  redirectUri,
});

/** The fixture's clients; each is saved by `startTestServer`. */
export const clients = {
  /** Confidential, strict redirect URIs (one of them with a query), ES256, implicit consent. */
  confidential: client('confidential', 'confidential-client', 'confidential-secret', 'https://client.example.com/cb'),
  /** A second confidential client with the same redirect URI, for cross-client checks. */
  other: client('other', 'other-client', 'other-secret', 'https://client.example.com/cb'),
  /** Regex redirect URIs: `http://local.invalid?`, an invalid `+`, and `https://.*\.example\.com/cb`. */
  regex: client('regex', 'regex-client', 'regex-secret', 'https://a.example.com/cb'),
  /** A `.*` regex redirect URI: matches anything, yet forbidden schemes stay refused. */
  anything: client('anything', 'anything-client', 'anything-secret', 'https://anything.example.net/cb'),
  /** Public client (PKCE S256 required, no secret). */
  public: client('public', 'public-client', undefined, 'http://127.0.0.1:8765/callback'),
  /** Signs with HS256 and its client secret (no signing key). */
  hs256: client('hs256', 'hs256-client', 'hs256-secret-that-is-long-enough-for-hmac', 'https://hs.example.com/cb'),
  /** Explicit consent: every authorization shows the consent page. */
  explicit: client('explicit', 'explicit-client', 'explicit-secret', 'https://explicit.example.com/cb'),
  /** Client id and secret with characters that RFC 6749 §2.3.1 form-encodes in Basic credentials. */
  special: client('special', 'client/id', 'secret+/==', 'https://special.example.com/cb'),
} as const satisfies Record<string, TestClient>;

/** The strict redirect URI of the confidential client that carries its own query. */
export const redirectUriWithQuery = 'https://client.example.com/cb?tenant=acme&lang=en';

export const testUser: User = {
  id: 'user-1',
  uuid: '6f1c1c52-8f5e-4c8e-9a55-2d7c6f0f4a11',
  username: 'alice',
  name: 'Alice Example',
  email: 'alice@example.com',
  emailVerified: true,
  groups: ['engineering', 'admins'],
  attributes: {},
  isActive: true,
};

/** A logout (end-session) redirect URI of the confidential client: never an authorization redirect URI. */
export const logoutUri = 'https://client.example.com/bye';

/** A second user, for sessions that do not own an interaction. */
export const otherUser: User = { ...testUser, id: 'user-2', uuid: '0b7c0e1e-2a53-4a84-bf58-4f1e0c9d2b22', username: 'bob', name: 'Bob', email: 'bob@example.com' };

/** An application with this suite's defaults (implicit consent, ES256 key `default`). */
export function makeApplication(fields: Pick<Application, 'id' | 'slug' | 'clientId'> & Partial<Application>): Application {
  return makeCoreApplication({
    name: `App ${fields.slug}`,
    redirectUris: [],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    signingKey: 'default',
    consent: 'implicit',
    accessTokenValiditySeconds: 3600,
    ...fields,
  });
}

export const strict = (url: string) => ({ matchingMode: 'strict' as const, url, type: 'authorization' as const });
const regex = (url: string) => ({ matchingMode: 'regex' as const, url, type: 'authorization' as const });

export function fixtureApplications(): Application[] {
  const { confidential, other, regex: regexClient, anything, public: publicClient, hs256, explicit, special } = clients;
  return [
    makeApplication({
      id: 'app-confidential',
      slug: confidential.slug,
      clientId: confidential.clientId,
      clientSecretDigest: digestToken(confidential.secret),
      redirectUris: [strict(confidential.redirectUri), strict(redirectUriWithQuery), { matchingMode: 'strict', url: logoutUri, type: 'logout' }],
    }),
    makeApplication({
      id: 'app-other',
      slug: other.slug,
      clientId: other.clientId,
      clientSecretDigest: digestToken(other.secret),
      redirectUris: [strict(other.redirectUri)],
    }),
    makeApplication({
      id: 'app-regex',
      slug: regexClient.slug,
      clientId: regexClient.clientId,
      clientSecretDigest: digestToken(regexClient.secret),
      // The invalid entry comes first, so every lookup has to step over it.
      redirectUris: [regex('+'), regex('http://local.invalid?'), regex('https://.*\\.example\\.com/cb')],
    }),
    makeApplication({
      id: 'app-anything',
      slug: anything.slug,
      clientId: anything.clientId,
      clientSecretDigest: digestToken(anything.secret),
      redirectUris: [regex('.*')],
    }),
    makeApplication({
      id: 'app-public',
      slug: publicClient.slug,
      clientId: publicClient.clientId,
      clientType: 'public',
      tokenEndpointAuthMethod: 'none',
      redirectUris: [strict(publicClient.redirectUri)],
    }),
    makeApplication({
      id: 'app-hs256',
      slug: hs256.slug,
      clientId: hs256.clientId,
      clientSecretDigest: digestToken(hs256.secret),
      hmacSecret: hs256.secret,
      signingKey: null,
      redirectUris: [strict(hs256.redirectUri)],
    }),
    makeApplication({
      id: 'app-explicit',
      slug: explicit.slug,
      clientId: explicit.clientId,
      clientSecretDigest: digestToken(explicit.secret),
      consent: 'explicit',
      redirectUris: [strict(explicit.redirectUri)],
    }),
    makeApplication({
      id: 'app-special',
      slug: special.slug,
      clientId: special.clientId,
      clientSecretDigest: digestToken(special.secret),
      redirectUris: [strict(special.redirectUri)],
    }),
  ];
}

/**
 * A confidential client of its own and its application (suite defaults: implicit consent, ES256
 * key `default`, scopes openid profile email offline_access), for `startTestServer({ applications })`.
 * Client id `<slug>-client`, secret `<slug>-secret`, redirect URI `https://<slug>.example.com/cb`.
 */
export function customClient(slug: string, fields: Partial<Application> = {}): { readonly client: TestClient; readonly application: Application } {
  const c = client(slug, `${slug}-client`, `${slug}-secret`, `https://${slug}.example.com/cb`);
  const application = makeApplication({
    id: `app-${slug}`,
    slug,
    clientId: c.clientId,
    clientSecretDigest: digestToken(c.secret),
    redirectUris: [strict(c.redirectUri)],
    ...fields,
  });
  return { client: c, application };
}

/** Header the fixture's `currentUser` reads the signed-in user id from. */
export const userHeader = 'x-test-user';
/** Optional session headers: `auth_time` (epoch seconds), `amr` (space-separated) and the session id. */
export const authTimeHeader = 'x-test-auth-time';
export const amrHeader = 'x-test-amr';
export const sessionIdHeader = 'x-test-session-id';

/** What `startTestServer` adds to (or changes in) the fixture's server. */
export interface TestServerOptions {
  /** Saved after the fixture's applications (same id replaces). */
  readonly applications?: readonly Application[];
  /** Saved after the fixture's users (same id replaces). */
  readonly users?: readonly User[];
  /** Keys saved besides the ES256 key `default`. */
  readonly keys?: readonly KeyRecord[];
  readonly scopeMappings?: readonly ScopeMapping[];
  readonly hooks?: Hooks;
  /** The server's and the code cache's clock, e.g. `manualClock(...)`; the system clock when absent. */
  readonly clock?: Clock;
  /** Settings besides baseUrl (acr, subjectSalt, ...). */
  readonly settings?: Omit<SettingsInput, 'baseUrl'>;
  /** Runs back-channel logout retries; timers when absent. */
  readonly scheduler?: Scheduler;
  /**
   * The router's rate limits; off unless given, since most suites send many failing requests
   * from one address on purpose (`test/rate-limit/` tests them).
   */
  readonly rateLimits?: RateLimitOptions;
  /** Express's `trust proxy`: the client address then comes from `X-Forwarded-For`. */
  readonly trustProxy?: boolean;
  /** The single-use code cache; this process's memory when absent. */
  readonly codes?: CodeCache;
  /** The router's `onResponse`: sees each request it answers. */
  readonly onResponse?: RequestObserver;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`, also the authorization server's baseUrl. */
  readonly baseUrl: string;
  readonly stores: MemoryStores;
  /** The ES256 key every application with `signingKey: 'default'` signs with. */
  readonly signingKey: KeyRecord;
  /** `auth_time` of every test session that does not send its own (30 s before the server started). */
  readonly authTime: number;
  readonly clock: Clock;
  /**
   * Sessions the router's `endSession` ended (by `x-test-session-id`, else by user id): requests
   * of an ended session count as signed out.
   */
  readonly endedSessions: ReadonlySet<string>;
  readonly server: AuthorizationServer;
  /** `<baseUrl>/application/o/<slug>/` */
  issuer(slug: string): string;
  close(): Promise<void>;
}

/** Starts the fixture app on an ephemeral port; close it in afterAll. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const authTime = now - 30;
  const stores = memoryStores();
  const signingKey = await createKeyRecord({ name: 'default', alg: 'ES256', now });
  await stores.keys.save(signingKey);
  for (const key of options.keys ?? []) await stores.keys.save(key);
  for (const application of [...fixtureApplications(), ...(options.applications ?? [])]) await stores.applications.save(application);
  for (const user of [testUser, otherUser, ...(options.users ?? [])]) await stores.users.save(user);

  const http: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const endedSessions = new Set<string>();
  const server = createAuthorizationServer({
    ...options.settings,
    baseUrl,
    stores,
    codes: options.codes ?? memoryCodeCache({ clock }),
    clock,
    ...(options.scopeMappings ? { scopeMappings: options.scopeMappings } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  const app = express();
  if (options.trustProxy) app.set('trust proxy', true);
  const router = oauthRouter(server, {
      rateLimits: options.rateLimits ?? false,
      currentUser: (req) => {
        const id = req.get(userHeader);
        if (!id || endedSessions.has(req.get(sessionIdHeader) ?? id)) return null;
        const amr = req.get(amrHeader);
        const sessionId = req.get(sessionIdHeader);
        return {
          id,
          authTime: Number(req.get(authTimeHeader) ?? authTime),
          ...(amr !== undefined ? { amr: amr.split(' ') } : {}),
          ...(sessionId !== undefined ? { sessionId } : {}),
        };
      },
      loginUrl: '/login',
      endSession: (req) => void endedSessions.add(req.get(sessionIdHeader) ?? req.get(userHeader) ?? ''),
      ...(options.trustProxy ? { clientAddress: (req: IncomingMessage) => proxyAddr(req, () => true) } : {}),
      ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  });
  app.use(router);
  // As the reference provider runs: the API endpoints straight on node:http, pages through Express.
  http.on('request', (req, res) => router.serveApi(req, res, () => app(req, res)));

  return {
    baseUrl,
    stores,
    signingKey,
    authTime,
    clock,
    server,
    endedSessions,
    issuer: (slug) => `${baseUrl}/application/o/${slug}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

export type Params = Record<string, string>;

/** A JSON response body, loosely typed for assertions. */
export type Json = Record<string, any>;

/** The body of `res` parsed as JSON. */
export async function jsonOf(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

export interface RequestOptions {
  /** Id of the signed-in user; nobody is signed in when absent. */
  readonly user?: string;
  /** The session's `auth_time`; the server's `authTime` when absent. */
  readonly authTime?: number;
  /** The session's authentication methods (`amr`). */
  readonly amr?: readonly string[];
  /** The session's id (tokens carry its SHA-256 as `sid`). */
  readonly sessionId?: string;
  readonly headers?: Record<string, string>;
}

const userHeaders = (options: RequestOptions): Record<string, string> => ({
  ...(options.user !== undefined ? { [userHeader]: options.user } : {}),
  ...(options.authTime !== undefined ? { [authTimeHeader]: String(options.authTime) } : {}),
  ...(options.amr !== undefined ? { [amrHeader]: options.amr.join(' ') } : {}),
  ...(options.sessionId !== undefined ? { [sessionIdHeader]: options.sessionId } : {}),
  ...options.headers,
});

/** GET `<baseUrl><path>` without following redirects. */
export function get(t: TestServer, path: string, options: RequestOptions = {}): Promise<Response> {
  return fetch(`${t.baseUrl}${path}`, { redirect: 'manual', headers: userHeaders(options) });
}

/** POST a form (or any body) to `<baseUrl><path>` without following redirects. */
export function postForm(t: TestServer, path: string, body: Params | string, options: RequestOptions = {}): Promise<Response> {
  return fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...userHeaders(options) },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
}

export const authorizePath = '/application/o/authorize/';
export const consentPath = '/application/o/authorize/consent/';
export const tokenPath = '/application/o/token/';
export const userinfoPath = '/application/o/userinfo/';

/** GET the authorization endpoint with `params` as the query (a raw string is sent as it is). */
export function authorize(t: TestServer, params: Params | string, options: RequestOptions = {}): Promise<Response> {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return get(t, `${authorizePath}?${query}`, options);
}

/** The parameters of a code-flow authorization request of `client`, with `extra` on top. */
export function codeRequest(c: TestClient, extra: Params = {}): Params {
  return { response_type: 'code', client_id: c.clientId, redirect_uri: c.redirectUri, scope: 'openid profile email', state: 'xyz', ...extra };
}

/** The Location header as a URL; fails the test when there is none. */
export function locationOf(res: Response): URL {
  const location = res.headers.get('location');
  if (location === null) throw new Error(`expected a Location header, got status ${res.status}`);
  return new URL(location);
}

/** Runs the authorization request of `client` (signed in as the test user unless `options` says otherwise) up to its code. */
export async function obtainCode(t: TestServer, c: TestClient, extra: Params = {}, options: RequestOptions = {}): Promise<string> {
  const res = await authorize(t, codeRequest(c, extra), { user: testUser.id, ...options });
  if (res.status !== 302) throw new Error(`authorization answered ${res.status}: ${await res.text()}`);
  const location = locationOf(res);
  const code = location.searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location.href}`);
  return code;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded, then joined and base64-encoded. */
export function basicAuthorization(clientId: string, secret: string): string {
  const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
}

export type ClientAuth = 'basic' | 'post' | 'none';

/** POST to the token endpoint, authenticating `client` the given way. */
export function tokenRequest(t: TestServer, c: TestClient, params: Params, auth: ClientAuth = 'basic'): Promise<Response> {
  switch (auth) {
    case 'basic':
      return postForm(t, tokenPath, params, { headers: { authorization: basicAuthorization(c.clientId, c.secret!) } });
    case 'post':
      return postForm(t, tokenPath, { ...params, client_id: c.clientId, client_secret: c.secret! });
    case 'none':
      return postForm(t, tokenPath, { ...params, client_id: c.clientId });
  }
}

/** Exchanges `code` at the token endpoint as `client` with the code's redirect URI. */
export function exchangeCode(t: TestServer, c: TestClient, code: string, extra: Params = {}, auth: ClientAuth = 'basic'): Promise<Response> {
  return tokenRequest(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, ...extra }, auth);
}

export interface TokenBody {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly id_token?: string;
}

/** The whole code flow of `client`: authorization, then the token response (which must be 200). */
export async function obtainTokens(t: TestServer, c: TestClient, extra: Params = {}, options: RequestOptions = {}): Promise<TokenBody> {
  const code = await obtainCode(t, c, extra, options);
  const res = await exchangeCode(t, c, code);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as TokenBody;
}

/** GET userinfo with `accessToken` as a Bearer token. */
export function userinfo(t: TestServer, accessToken: string): Promise<Response> {
  return get(t, userinfoPath, { headers: { authorization: `Bearer ${accessToken}` } });
}

/**
 * Verifies a JWT of the application `slug` against its published JWKS (or `secret` for HS256):
 * signature, `iss` (the application's issuer unless given), `aud` and time (the server's clock).
 */
export async function verifyJwt(
  t: TestServer,
  slug: string,
  jwt: string,
  options: { readonly audience: string; readonly issuer?: string; readonly typ?: string; readonly secret?: string },
): Promise<JWTVerifyResult<JWTPayload>> {
  const verifyOptions = {
    issuer: options.issuer ?? t.issuer(slug),
    audience: options.audience,
    currentDate: new Date(t.clock.now() * 1000),
    ...(options.typ !== undefined ? { typ: options.typ } : {}),
  };
  if (options.secret !== undefined) return jwtVerify(jwt, new TextEncoder().encode(options.secret), { ...verifyOptions, algorithms: ['HS256'] });
  const jwks = (await (await get(t, `/application/o/${encodeURIComponent(slug)}/jwks/`)).json()) as JSONWebKeySet;
  return jwtVerify(jwt, createLocalJWKSet(jwks), verifyOptions);
}

/** A fresh RFC 7636 verifier and its S256 challenge. */
export function pkcePair(): { readonly verifier: string; readonly challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// ---------------------------------------------------------------------------------------------
// HTML helpers

const entities: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => entities[entity]!);

/** The hidden inputs of a page, by name. */
export function hiddenInputs(html: string): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    inputs[unescapeHtml(match[1]!)] = unescapeHtml(match[2]!);
  }
  return inputs;
}

/** `name=value` of each Set-Cookie header, by cookie name. */
export function cookiesOf(res: Response): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return cookies;
}

// ---------------------------------------------------------------------------------------------
// Consent page helpers

/** What the consent page asks: the form's interaction and CSRF token, the cookie, the HTML. */
export interface ConsentForm {
  readonly html: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly csrfCookie: string;
}

/** Reads the consent page of `res` (which must be a 200 consent page). */
export async function consentFormOf(res: Response): Promise<ConsentForm> {
  const html = await res.text();
  if (res.status !== 200 || !html.includes('name="decision"')) throw new Error(`expected a consent page, got status ${res.status}: ${html}`);
  const inputs = hiddenInputs(html);
  return { html, interaction: inputs['interaction']!, csrfToken: inputs['csrf_token']!, csrfCookie: cookiesOf(res)['gatehouse-csrf'] ?? inputs['csrf_token']! };
}

/** Answers a consent page as `user` (the test user by default). */
export function answerConsent(t: TestServer, form: ConsentForm, decision: 'allow' | 'deny', options: RequestOptions = {}): Promise<Response> {
  return postForm(
    t,
    consentPath,
    { interaction: form.interaction, csrf_token: form.csrfToken, decision },
    { user: testUser.id, ...options, headers: { cookie: `gatehouse-csrf=${form.csrfCookie}`, ...options.headers } },
  );
}
