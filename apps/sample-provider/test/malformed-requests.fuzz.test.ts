// Issue 8, "Bad input never hurts": a property-based test (fast-check) that sends generated
// malformed requests to every endpoint of a running reference provider. Whatever comes in, the
// answer is never a 5xx, API endpoints answer the one JSON error body (`error`,
// `error_description` in RFC 6749 §5.2 characters, `request_id` equal to `X-Request-Id`), the
// GitHub routes answer GitHub's own bodies, oversized bodies get 413, and no response carries a
// stack trace, SQL or a Prisma message. FUZZ_RUNS sets the runs per endpoint (200 by default);
// FUZZ_SEED (and FUZZ_PATH) replay a failure that fast-check reported; FUZZ_STORE=memory or
// pglite runs one store only; FUZZ_STATS=1 (or `pages`) prints what each endpoint answered.
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { applyMigrations, openPglite, prismaStores, type Database } from '@gatehouse/prisma-store';
import { startProvider, type RunningProvider } from './provider-harness.js';

jest.setTimeout(240_000);

const numRuns = Number(process.env['FUZZ_RUNS'] ?? 200);
const seedOption = process.env['FUZZ_SEED'] === undefined ? {} : { seed: Number(process.env['FUZZ_SEED']), ...(process.env['FUZZ_PATH'] ? { path: process.env['FUZZ_PATH'] } : {}) };

// ---------------------------------------------------------------------------------------------
// The provider: a confidential client, a public client, a user.

const callback = 'http://127.0.0.1:8765/cb';
const logoutUri = 'http://127.0.0.1:8765/bye';
const person = { username: 'alice', password: 'Alice-Password-42!' };
const appPassword = 'alice-app-password-0123456789';
const confidential = { slug: 'conf', clientId: 'conf-client', secret: 'conf-secret-0123456789abcdefghijklmnop' };
const publicClient = { slug: 'pub', clientId: 'pub-client' };

const seed = {
  groups: [{ name: 'engineering' }],
  users: [
    {
      ...person,
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
      groups: ['engineering'],
      app_passwords: [{ name: 'ci', token: appPassword }],
    },
  ],
  keys: [{ name: 'ec', alg: 'ES256' }],
  applications: [
    {
      slug: confidential.slug,
      name: 'Confidential',
      client_id: confidential.clientId,
      client_secret: confidential.secret,
      // A regex entry too: it lets odd characters through to the redirect when nothing else stops them.
      redirect_uris: [{ url: callback }, { matching_mode: 'regex', url: 'http://127\\.0\\.0\\.1:8765/r/.*' }, { url: logoutUri, type: 'logout' }],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      signing_key: 'ec',
      consent: 'implicit',
    },
    {
      slug: publicClient.slug,
      name: 'Public',
      client_id: publicClient.clientId,
      client_type: 'public',
      token_endpoint_auth_method: 'none',
      redirect_uris: [{ url: callback }],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      signing_key: 'ec',
      consent: 'explicit',
    },
  ],
};

/** Real credentials found during setup: the fuzzer mixes them in so requests get past the first checks. */
interface Pool {
  sessionCookie: string;
  accessToken: string;
  refreshToken: string;
  idToken: string;
  githubToken: string;
  deviceCode: string;
  userCode: string;
  interaction: string;
}

let provider: RunningProvider;
let database: Database | undefined;
const pool: Pool = { sessionCookie: '', accessToken: '', refreshToken: '', idToken: '', githubToken: '', deviceCode: '', userCode: '', interaction: '' };

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const cookieOf = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0]!)
    .find((pair) => pair.startsWith(`${name}=`));

async function signIn(): Promise<string> {
  const page = await fetch(`${provider.baseUrl}/login`);
  const csrfCookie = cookieOf(page, 'gatehouse-csrf')!;
  const body = new URLSearchParams({ ...person, csrf_token: csrfCookie.split('=')[1]!, next: '/' });
  const login = await fetch(`${provider.baseUrl}/login`, { method: 'POST', body, headers: { cookie: csrfCookie }, redirect: 'manual' });
  expect(login.status).toBe(303);
  return `${csrfCookie}; ${cookieOf(login, 'gatehouse.sid')!}`;
}

async function codeFrom(url: string): Promise<string> {
  const response = await fetch(url, { headers: { cookie: pool.sessionCookie }, redirect: 'manual' });
  const code = new URL(response.headers.get('location')!).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

type Store = 'memory' | 'pglite';

/** Starts the provider on `store` and fills the pool with a session, tokens, a device code and a pending consent. */
async function setUp(store: Store): Promise<void> {
  if (store === 'pglite') {
    database = await openPglite(undefined);
    await applyMigrations(database);
    provider = await startProvider(seed, { stores: prismaStores(database.prisma, { secretKey: 'x'.repeat(40) }) });
  } else {
    provider = await startProvider(seed);
  }
  pool.sessionCookie = await signIn();
  const authorize = `${provider.baseUrl}/application/o/authorize/?${new URLSearchParams({ client_id: confidential.clientId, response_type: 'code', scope: 'openid profile email offline_access', redirect_uri: callback, state: 's' })}`;
  const tokenResponse = await fetch(`${provider.baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { authorization: basic(confidential.clientId, confidential.secret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: await codeFrom(authorize), redirect_uri: callback }),
  });
  const tokens = (await tokenResponse.json()) as Record<string, string>;
  pool.accessToken = tokens['access_token']!;
  pool.refreshToken = tokens['refresh_token']!;
  pool.idToken = tokens['id_token']!;
  const github = `${provider.baseUrl}/login/oauth/authorize?${new URLSearchParams({ client_id: confidential.clientId, scope: 'user,read:org', redirect_uri: callback })}`;
  const githubResponse = await fetch(`${provider.baseUrl}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams({ client_id: confidential.clientId, client_secret: confidential.secret, code: await codeFrom(github), redirect_uri: callback }),
  });
  pool.githubToken = ((await githubResponse.json()) as Record<string, string>)['access_token'] ?? '';
  const device = await fetch(`${provider.baseUrl}/application/o/device/`, { method: 'POST', body: new URLSearchParams({ client_id: publicClient.clientId, scope: 'openid' }) });
  const deviceBody = (await device.json()) as Record<string, string>;
  pool.deviceCode = deviceBody['device_code']!;
  pool.userCode = deviceBody['user_code']!;
  const consent = await fetch(`${provider.baseUrl}/application/o/authorize/?${new URLSearchParams({ client_id: publicClient.clientId, response_type: 'code', scope: 'openid', redirect_uri: callback, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`, { headers: { cookie: pool.sessionCookie } });
  pool.interaction = /name="interaction" value="([^"]+)"/.exec(await consent.text())?.[1] ?? 'none';
  for (const [name, value] of Object.entries(pool)) if (!value) throw new Error(`setup found no ${name}`);
}

async function tearDown(): Promise<void> {
  await provider?.close();
  await database?.close();
  database = undefined;
}

// ---------------------------------------------------------------------------------------------
// The endpoints and their contracts.

/**
 * - `oauth`: an API endpoint; every answer is JSON, errors are `{ error, error_description, request_id }`.
 * - `page`: a browser-facing page (HTML, redirects); only no 5xx and no leaks.
 * - `github-api`: GitHub's REST user API; errors are GitHub's `{ message, documentation_url }`.
 * - `github-token`: `/login/oauth/access_token`; GitHub's token answer, JSON or form-encoded.
 */
type Contract = 'oauth' | 'page' | 'github-api' | 'github-token';

interface Target {
  readonly name: string;
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  readonly contract: Contract;
  /** Parameter names the endpoint reads (the fuzzer also sends others). */
  readonly params: readonly string[];
  /** The body limit of a POST, in bytes; `formOnly` when only a form body is read (express.urlencoded). */
  readonly bodyLimit?: { readonly bytes: number; readonly formOnly: boolean };
}

const kib64 = 64 * 1024;
const clientParams = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];
const authorizeParams = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode', 'prompt', 'max_age', 'login_hint', 'request', 'request_uri', 'claims', 'id_token_hint'];
const endSessionParams = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'logout_hint', 'ui_locales', 'csrf_token', 'decision', 'interaction'];
const formBody = { bytes: kib64, formOnly: false };

const targets: readonly Target[] = [
  { name: 'authorize', paths: ['/application/o/authorize/', '/application/o/authorize'], methods: ['GET', 'POST'], contract: 'page', params: authorizeParams, bodyLimit: formBody },
  { name: 'authorize resume', paths: ['/application/o/authorize/resume/'], methods: ['GET'], contract: 'page', params: ['interaction'] },
  { name: 'authorize consent', paths: ['/application/o/authorize/consent/'], methods: ['POST'], contract: 'page', params: ['interaction', 'decision', 'csrf_token'], bodyLimit: formBody },
  { name: 'token', paths: ['/application/o/token/', '/application/o/token'], methods: ['POST'], contract: 'oauth', params: ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'device_code', 'username', 'password', ...clientParams], bodyLimit: formBody },
  { name: 'device authorization', paths: ['/application/o/device/'], methods: ['POST'], contract: 'oauth', params: ['scope', ...clientParams], bodyLimit: formBody },
  { name: 'device page', paths: ['/device', '/device/'], methods: ['GET', 'POST'], contract: 'page', params: ['user_code', 'csrf_token'], bodyLimit: formBody },
  { name: 'device consent', paths: ['/device/consent/'], methods: ['POST'], contract: 'page', params: ['interaction', 'decision', 'csrf_token'], bodyLimit: formBody },
  { name: 'userinfo', paths: ['/application/o/userinfo/'], methods: ['GET', 'POST'], contract: 'oauth', params: ['access_token', 'claims'], bodyLimit: formBody },
  { name: 'introspection', paths: ['/application/o/introspect/'], methods: ['POST'], contract: 'oauth', params: ['token', 'token_type_hint', ...clientParams], bodyLimit: formBody },
  { name: 'revocation', paths: ['/application/o/revoke/'], methods: ['POST'], contract: 'oauth', params: ['token', 'token_type_hint', ...clientParams], bodyLimit: formBody },
  {
    name: 'discovery',
    paths: [
      '/application/o/conf/.well-known/openid-configuration',
      '/application/o/pub/.well-known/openid-configuration/',
      '/application/o/unknown/.well-known/openid-configuration',
      '/application/o/%ff/.well-known/openid-configuration',
      '/application/o/%zz/.well-known/openid-configuration',
      '/application/o/%/.well-known/openid-configuration',
      '/.well-known/openid-configuration/application/o/conf',
      '/.well-known/oauth-authorization-server/application/o/%c3%28',
    ],
    methods: ['GET'],
    contract: 'oauth',
    params: ['slug'],
  },
  { name: 'jwks', paths: ['/application/o/conf/jwks/', '/application/o/pub/jwks', '/application/o/nope/jwks/', '/application/o/%e2%82/jwks/'], methods: ['GET'], contract: 'oauth', params: ['kid'] },
  { name: 'end-session', paths: ['/application/o/conf/end-session/', '/application/o/unknown/end-session/', '/application/o/%ff/end-session/'], methods: ['GET', 'POST'], contract: 'page', params: endSessionParams, bodyLimit: formBody },
  { name: 'end-session confirm', paths: ['/application/o/conf/end-session/confirm/'], methods: ['POST'], contract: 'page', params: endSessionParams, bodyLimit: formBody },
  { name: 'login', paths: ['/login'], methods: ['GET', 'POST'], contract: 'page', params: ['username', 'password', 'next', 'csrf_token'], bodyLimit: { bytes: 8 * 1024, formOnly: true } },
  { name: 'logout', paths: ['/logout'], methods: ['GET', 'POST'], contract: 'page', params: ['decision', 'csrf_token'], bodyLimit: { bytes: 8 * 1024, formOnly: true } },
  { name: 'github authorize', paths: ['/login/oauth/authorize', '/login/oauth/authorize/'], methods: ['GET'], contract: 'page', params: ['client_id', 'redirect_uri', 'scope', 'state', 'login', 'allow_signup', 'code_challenge', 'code_challenge_method', 'prompt'] },
  { name: 'github access_token', paths: ['/login/oauth/access_token'], methods: ['POST'], contract: 'github-token', params: ['client_id', 'client_secret', 'code', 'redirect_uri', 'grant_type', 'refresh_token', 'code_verifier'], bodyLimit: formBody },
  {
    name: 'github user API',
    paths: ['/user', '/user/emails', '/user/teams', '/user/orgs', '/orgs/gatehouse/members/alice', '/orgs/%ff/members/%zz', '/api/v3/user', '/api/v3/user/emails', '/api/v3/repos/x/y', '/api/v3/%'],
    methods: ['GET'],
    contract: 'github-api',
    params: ['per_page', 'page'],
  },
];

// ---------------------------------------------------------------------------------------------
// What the fuzzer sends. Specifications stay small (a repeated unit, not 100 KiB of text) so a
// counterexample prints readably; `render` turns them into bytes.

/** Text, raw bytes (invalid UTF-8 when the generator wants), or a unit repeated (long values). */
type Value = string | { readonly bytes: readonly number[] } | { readonly repeat: string; readonly times: number };

interface Pair {
  readonly name: Value;
  /** null: the name alone, without `=`. */
  readonly value: Value | null;
  /** `encoded`: percent-encoded as a form should be; `raw`: the text as it is (`&`, `=`, `%` included). */
  readonly encoding: 'encoded' | 'raw';
}

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly pairs: readonly Pair[] }
  | { readonly kind: 'json'; readonly json: unknown }
  | { readonly kind: 'broken-json'; readonly text: string }
  | { readonly kind: 'multipart'; readonly pairs: readonly Pair[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] }
  | { readonly kind: 'oversized'; readonly size: number; readonly fill: 'form' | 'json' | 'text' | 'bytes' };

interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly query: readonly Pair[] | null;
  /** `auto`: the type that matches the body. */
  readonly contentType: string | null;
  readonly body: Body;
  readonly authorization: string | null;
  readonly accept: string | null;
  readonly cookie: 'none' | 'session' | 'csrf' | 'session+csrf' | 'garbage';
  /** Transfer-Encoding: chunked instead of Content-Length. */
  readonly chunked: boolean;
}

/** The CSRF double-submit pair the fuzzer uses: any 43-character token in both cookie and field. */
const csrf = 'fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz';

const poolValue = (name: keyof Pool): string => pool[name];

function valueText(value: Value): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if ('bytes' in value) return Buffer.from(value.bytes);
  return Buffer.from(value.repeat.repeat(value.times), 'utf8');
}

// Every byte a form or query string may carry as it is; everything else is percent-encoded.
const unreserved = /[A-Za-z0-9\-._~*]/;
function percentEncode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += unreserved.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function formBytes(pairs: readonly Pair[]): Buffer {
  const parts: Buffer[] = [];
  pairs.forEach((pair, index) => {
    if (index > 0) parts.push(Buffer.from('&'));
    const encode = (value: Value) => (pair.encoding === 'encoded' ? Buffer.from(percentEncode(valueText(value)), 'latin1') : valueText(value));
    parts.push(encode(pair.name));
    if (pair.value !== null) parts.push(Buffer.from('='), encode(pair.value));
  });
  return Buffer.concat(parts);
}

/** A query string: raw bytes stay raw where Node's client lets them (0x21-0xff), the rest is escaped. */
function queryString(pairs: readonly Pair[]): string {
  let out = '';
  for (const byte of formBytes(pairs)) out += byte >= 0x21 && byte <= 0xff && byte !== 0x7f && byte !== 0x23 ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`;
  return out;
}

const boundary = 'fuzz-boundary-7MA4YWxkTrZu0gW';
function multipartBytes(pairs: readonly Pair[]): Buffer {
  const parts: Buffer[] = [];
  for (const pair of pairs) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="`), valueText(pair.name), Buffer.from('"\r\n\r\n'));
    parts.push(pair.value === null ? Buffer.alloc(0) : valueText(pair.value), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

function oversized(size: number, fill: 'form' | 'json' | 'text' | 'bytes'): Buffer {
  switch (fill) {
    case 'form':
      return Buffer.from(`grant_type=client_credentials&scope=${'openid+'.repeat(size)}`.slice(0, size));
    case 'json':
      return Buffer.from(`{"scope":"${'a'.repeat(size)}"}`);
    case 'text':
      return Buffer.alloc(size, 'x');
    case 'bytes':
      return Buffer.alloc(size, 0xff);
  }
}

function bodyBytes(body: Body): Buffer {
  switch (body.kind) {
    case 'none':
      return Buffer.alloc(0);
    case 'form':
      return formBytes(body.pairs);
    case 'json':
      return Buffer.from(JSON.stringify(body.json) ?? 'null');
    case 'broken-json':
    case 'text':
      return Buffer.from(body.text);
    case 'multipart':
      return multipartBytes(body.pairs);
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'oversized':
      return oversized(body.size, body.fill);
  }
}

const typeFor: Record<Body['kind'], string | null> = {
  none: null,
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
  'broken-json': 'application/json',
  multipart: `multipart/form-data; boundary=${boundary}`,
  text: 'text/plain',
  bytes: 'application/octet-stream',
  oversized: 'application/x-www-form-urlencoded',
};

interface Rendered {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly chunked: boolean;
}

function render(spec: RequestSpec): Rendered {
  const body = bodyBytes(spec.body);
  const headers: Record<string, string> = {};
  const contentType = spec.contentType === 'auto' ? typeFor[spec.body.kind] : spec.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (spec.authorization !== null) headers['authorization'] = spec.authorization;
  if (spec.accept !== null) headers['accept'] = spec.accept;
  const session = pool.sessionCookie.split('; ').find((pair) => pair.startsWith('gatehouse.sid='))!;
  const cookies = {
    none: null,
    session,
    csrf: `gatehouse-csrf=${csrf}`,
    'session+csrf': `gatehouse-csrf=${csrf}; ${session}`,
    garbage: 'gatehouse.sid=s%3Agarbage.%ff%zz; gatehouse-csrf=%00; =; ;;',
  }[spec.cookie];
  if (cookies !== null) headers['cookie'] = cookies;
  // Node's client frames GET, HEAD, DELETE and OPTIONS bodies only when told to.
  if (spec.chunked) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(body.length);
  const path = spec.query === null ? spec.path : `${spec.path}?${queryString(spec.query)}`;
  return { method: spec.method, path, headers, body, chunked: spec.chunked };
}

// ---------------------------------------------------------------------------------------------
// Generators.

const nastyPieces = [
  '%ff', '%', '%zz', '%0', '%00', '%0d%0a', '%c3%28', '%ed%a0%80', '%f8%88%80%80%80', '%e2%82', '+', '&', '=', '&&', '==',
  '\u0000', '\r\n', '\n', '\t', '\u0007', '\u007f', '\u0085', '\u2028', '\u202e', '\ufeff', 'é', '😀', '\ud800', '\udfff',
  '"', "'", '\\', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '../../etc/passwd', '[]', '[0]', '{"a":1}', ' ', '  ',
  'null', 'undefined', 'NaN', '-1', '0', '1e309', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];
const wordPieces = [
  'openid', 'profile', 'email', 'offline_access', 'read:user', 'user', 'code', 'token', 'id_token', 'none', 'S256', 'plain',
  'allow', 'deny', 'query', 'fragment', 'form_post', 'login', 'consent', 'select_account', 'refresh_token', 'access_token',
  callback, logoutUri, 'https://evil.example/', 'javascript:alert(1)', 'data:text/html,x', '//evil.example', 'http://127.0.0.1:8765/cb?x=1#f',
  confidential.clientId, publicClient.clientId, confidential.secret, 'alice', 'conf', 'pub',
];
const grantTypes = [
  'authorization_code', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:token-exchange', 'implicit', 'AUTHORIZATION_CODE', '',
];
const poolNames: readonly (keyof Pool)[] = ['accessToken', 'refreshToken', 'idToken', 'githubToken', 'deviceCode', 'userCode', 'interaction'];

// RFC 7636 Appendix B.
const pkce = { verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' };

/**
 * What a well-formed request of each endpoint carries, by parameter: most generated requests
 * start from these and break a few of them, so they get past the first checks to the deeper ones.
 */
function templateOf(target: Target): Readonly<Record<string, readonly string[]>> {
  const clientIds = [confidential.clientId, publicClient.clientId];
  const client = { client_id: clientIds, client_secret: [confidential.secret, 'wrong-secret'] };
  const tokens = [pool.accessToken, pool.refreshToken, pool.idToken, pool.githubToken];
  const interaction = { interaction: [pool.interaction], decision: ['allow', 'deny'], csrf_token: [csrf] };
  switch (target.name) {
    case 'authorize':
      return {
        client_id: clientIds,
        response_type: ['code', 'id_token', 'id_token token', 'code id_token', 'code id_token token', 'token'],
        redirect_uri: [callback, `${callback}/`, 'http://127.0.0.1:8765/cb?x=1', 'http://127.0.0.1:8765/r/x'],
        scope: ['openid', 'openid profile email offline_access', 'profile'],
        state: ['af0ifjsldkj'],
        nonce: ['n-0S6_WzA2Mj'],
        code_challenge: [pkce.challenge, 'short'],
        code_challenge_method: ['S256', 'plain'],
        response_mode: ['query', 'fragment', 'form_post', 'web_message'],
        prompt: ['none', 'login', 'consent', 'none login'],
        max_age: ['0', '3600', '-1'],
        login_hint: ['alice'],
      };
    case 'authorize resume':
      return { interaction: [pool.interaction] };
    case 'authorize consent':
    case 'device consent':
      return interaction;
    case 'token':
      return {
        grant_type: grantTypes,
        code: ['SplxlOBeZQQYbYS6WxSbIA', pool.deviceCode],
        redirect_uri: [callback],
        code_verifier: [pkce.verifier],
        refresh_token: [pool.refreshToken],
        device_code: [pool.deviceCode],
        username: ['alice'],
        password: [appPassword, person.password],
        scope: ['openid', 'offline_access', 'openid profile'],
        ...client,
      };
    case 'device authorization':
      return { scope: ['openid', 'openid profile offline_access'], ...client };
    case 'device page':
      return { user_code: [pool.userCode, 'BCDF-GHJK', 'bcdfghjk'], csrf_token: [csrf] };
    case 'userinfo':
      return { access_token: tokens };
    case 'introspection':
    case 'revocation':
      return { token: tokens, token_type_hint: ['access_token', 'refresh_token', 'id_token'], ...client };
    case 'end-session':
    case 'end-session confirm':
      return { id_token_hint: [pool.idToken], post_logout_redirect_uri: [logoutUri, callback], state: ['s'], client_id: [confidential.clientId], ...interaction };
    case 'login':
      return { username: ['alice', 'mallory'], password: [person.password, 'wrong'], next: ['/', '/application/o/authorize/?client_id=x'], csrf_token: [csrf] };
    case 'logout':
      return { decision: ['allow', 'deny'], csrf_token: [csrf] };
    case 'github authorize':
      return { client_id: [confidential.clientId], redirect_uri: [callback], scope: ['user,read:org', 'repo', 'user:email'], state: ['s'], login: ['alice'] };
    case 'github access_token':
      return { client_id: [confidential.clientId], client_secret: [confidential.secret], code: ['0123456789abcdef'], redirect_uri: [callback], grant_type: ['refresh_token'], refresh_token: [pool.refreshToken] };
    case 'github user API':
      return { per_page: ['1', '100', '0', '-1', '99999999999'], page: ['2', 'x'] };
    default:
      return {};
  }
}

function arbitraries(target: Target) {
  const piece = fc.oneof(fc.constantFrom(...nastyPieces), fc.constantFrom(...wordPieces), fc.string({ maxLength: 8 }));
  const poolText = fc.constantFrom(...poolNames).map(poolValue);
  const text: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...wordPieces, ...grantTypes, csrf) },
    { weight: 2, arbitrary: poolText },
    { weight: 3, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.tuple(poolText, fc.constantFrom(...nastyPieces)).map(([value, nasty]) => value + nasty) },
  );
  const value: fc.Arbitrary<Value> = fc.oneof(
    { weight: 8, arbitrary: text },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }).map((bytes) => ({ bytes })) },
    { weight: 1, arbitrary: fc.record({ repeat: fc.constantFrom('a', 'openid ', 'x%20', '%ff', '\u0000', 'é', 'https://a/'), times: fc.integer({ min: 200, max: 20_000 }) }) },
  );
  const name: fc.Arbitrary<Value> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...target.params, 'csrf_token') },
    { weight: 1, arbitrary: fc.constantFrom(...target.params).chain((param) => fc.constantFrom(`${param}[]`, `${param}[0]`, `${param}[a]`, `${param}.x`, param.toUpperCase(), ` ${param}`)) },
    { weight: 1, arbitrary: fc.constantFrom('a[]', 'a[b]', 'a[b][c]', '__proto__', 'constructor', '', '%', '%ff', '&', '=') },
    { weight: 1, arbitrary: value },
  );
  const pair: fc.Arbitrary<Pair> = fc.record({
    name,
    value: fc.oneof({ weight: 9, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }),
    encoding: fc.constantFrom<'encoded' | 'raw'>('encoded', 'encoded', 'raw'),
  });
  // Mostly a well-formed request with some of its values replaced, and a few odd pairs added.
  const fields = Object.entries(templateOf(target)).map(([param, values]) =>
    fc.option(
      fc.record<Pair>({
        name: fc.constant(param),
        value: fc.oneof(
          { weight: 15, arbitrary: fc.constantFrom(...values) },
          { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...values), fc.constantFrom(...nastyPieces)).map(([valid, nasty]) => valid + nasty) },
          { weight: 1, arbitrary: value },
        ),
        encoding: fc.oneof({ weight: 15, arbitrary: fc.constant('encoded' as const) }, { weight: 1, arbitrary: fc.constant('raw' as const) }),
      }),
      { freq: 4 },
    ),
  );
  const templated = fc
    .tuple(fc.tuple(...fields), fc.array(pair, { maxLength: 2 }))
    .map(([chosen, extra]) => [...chosen.filter((field): field is Pair => field !== null), ...extra]);
  // Duplicates come by drawing one pair twice.
  const pairs = fc.oneof({ weight: 1, arbitrary: fc.array(pair, { maxLength: 8 }) }, { weight: 3, arbitrary: templated }).chain((list) =>
    list.length === 0 ? fc.constant(list) : fc.oneof({ weight: 4, arbitrary: fc.constant(list) }, { weight: 1, arbitrary: fc.nat(list.length - 1).map((i) => [...list, list[i]!]) }),
  );
  const jsonValue = fc.oneof(
    fc.dictionary(fc.constantFrom(...target.params, 'a'), fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), text, { maxKeys: 2 }))),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const body: fc.Arbitrary<Body> = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 8, arbitrary: pairs.map((list) => ({ kind: 'form' as const, pairs: list })) },
    { weight: 2, arbitrary: jsonValue.map((json) => ({ kind: 'json' as const, json })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"grant_type":', '[1,2', '{"a":1}}', 'nul', '"\\ud800"', '{"scope":"\u0000"}').map((text) => ({ kind: 'broken-json' as const, text })) },
    { weight: 1, arbitrary: pairs.map((list) => ({ kind: 'multipart' as const, pairs: list })) },
    { weight: 1, arbitrary: text.map((value) => ({ kind: 'text' as const, text: value })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('oversized' as const),
        size: fc.oneof(fc.constantFrom(8 * 1024 + 1, kib64 + 1), fc.integer({ min: kib64 + 1, max: 3 * kib64 })),
        fill: fc.constantFrom<'form' | 'json' | 'text' | 'bytes'>('form', 'json', 'text', 'bytes'),
      }),
    },
  );
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('auto') },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=utf-8',
        'Application/X-WWW-Form-Urlencoded;charset=ISO-8859-1',
        'application/x-www-form-urlencoded; charset=utf-16',
        'application/json',
        'application/json; charset=utf-8',
        `multipart/form-data; boundary=${boundary}`,
        'multipart/form-data',
        'text/plain',
        'text/html',
        'application/xml',
        'application/octet-stream',
        '*/*',
        'application/x-www-form-urlencoded, application/json',
        ';;;',
        'garbage',
        '',
      ),
    },
  );
  // Header values Node's client sends: printable ASCII and Latin-1, tabs.
  const headerText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '?'));
  const authorization = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(basic(confidential.clientId, confidential.secret), basic(publicClient.clientId, ''), basic(confidential.clientId, 'wrong'), basic('alice', appPassword)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic !!!',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
        `Basic ${Buffer.from(':').toString('base64')}`,
        `Basic ${Buffer.from('%zz:%ff').toString('base64')}`,
        `Basic ${Buffer.from('conf-client:%').toString('base64')}`,
        `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x00]).toString('base64')}`,
        `Basic ${'A'.repeat(6000)}`,
        'Bearer',
        'Bearer ',
        'Bearer a b',
        'Bearer ====',
        `Bearer ${'x'.repeat(6000)}`,
        'bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        'Token abc',
        'Digest username="a"',
        'Negotiate YII=',
        'DPoP abc',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...poolNames).map((name) => `${['Bearer', 'token', 'BEARER'][name.length % 3]} ${pool[name]}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Basic ', 'Bearer ', 'token ', ''), headerText).map(([scheme, rest]) => scheme + rest) },
  );
  const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...target.methods) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') });
  const accept = fc.option(fc.constantFrom('application/json', 'application/vnd.github+json', 'text/html', '*/*', 'application/x-www-form-urlencoded', 'garbage'));
  // Anything goes: every part drawn on its own.
  const chaotic = fc.record<RequestSpec>({
    method,
    path: fc.constantFrom(...target.paths),
    query: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: pairs }),
    contentType,
    body,
    authorization,
    accept,
    cookie: fc.constantFrom('none', 'session', 'csrf', 'session+csrf', 'garbage'),
    chunked: fc.boolean(),
  });
  // A request as a client would send it (parameters where the method puts them, the right
  // content type, a signed-in browser), with a few of its values broken.
  const coherent = fc.constantFrom(...target.methods).chain((chosen) =>
    fc.record<RequestSpec>({
      method: fc.constant(chosen),
      path: fc.constantFrom(...target.paths),
      query: chosen === 'GET' ? templated : fc.constant(null),
      contentType: fc.constant(chosen === 'GET' ? null : 'auto'),
      body: chosen === 'GET' ? fc.constant({ kind: 'none' as const }) : templated.map((list) => ({ kind: 'form' as const, pairs: list })),
      authorization: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constant(basic(confidential.clientId, confidential.secret)) }, { weight: 1, arbitrary: authorization }),
      accept,
      cookie: fc.constantFrom('none', 'session', 'csrf', 'session+csrf', 'session+csrf'),
      chunked: fc.boolean(),
    }),
  );
  return fc.oneof(chaotic, coherent);
}

// ---------------------------------------------------------------------------------------------
// Sending, and the contracts.

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function send(rendered: Rendered): Promise<Answer> {
  const { port } = new URL(provider.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: rendered.method, path: rendered.path, headers: rendered.headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    // The server may answer (413) and close before it read the whole body: the answer counts.
    req.on('error', (error) => setTimeout(() => reject(new Error(`no readable answer: ${error.message}`)), 200));
    if (rendered.body.length > 0) req.write(rendered.body);
    req.end();
  });
}

// Markers of internals: stack frames, module paths, error names, SQL, Prisma.
const leaks: readonly RegExp[] = [
  /\bat (?:async )?[\w$.<>[\] ]+ \(.*:\d+:\d+\)/,
  /\bat \/[^\s]+:\d+:\d+/,
  /node_modules/,
  /\b\w*Error:/,
  /\b(?:prisma|PrismaClient)\w*/i,
  /\bSELECT\b[\s\S]*\bFROM\b/i,
  /\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE\b\s+"?\w+"?\s+SET\b/i,
  /\bECONN(?:REFUSED|RESET)\b|\bETIMEDOUT\b/,
];
const leakIn = (text: string) => leaks.find((pattern) => pattern.test(text));

// RFC 6749 §5.2.
const errorCode = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const errorDescription = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};
const isJson = (answer: Answer) => /^application\/json\b/.test(header(answer, 'content-type') ?? '');

function parseJson(answer: Answer): Record<string, unknown> {
  const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object') throw new Error('the JSON body is not an object');
  return parsed as Record<string, unknown>;
}

/** The one error body of Gatehouse (only its headers for HEAD). */
function checkOAuthError(answer: Answer, method: string): string | null {
  if (!isJson(answer)) return `error answer is not JSON (content-type ${header(answer, 'content-type')})`;
  if (!header(answer, 'x-request-id')) return 'error answer without X-Request-Id';
  if (method === 'HEAD') return null;
  const body = parseJson(answer);
  if (typeof body['error'] !== 'string' || !errorCode.test(body['error'])) return 'error is missing or has characters RFC 6749 §5.2 forbids';
  if (typeof body['error_description'] !== 'string' || !errorDescription.test(body['error_description'])) return 'error_description is missing or has characters RFC 6749 §5.2 forbids';
  if (body['error_description'].length > 256) return `error_description of ${body['error_description'].length} characters`;
  const requestId = header(answer, 'x-request-id');
  if (!requestId || body['request_id'] !== requestId) return `request_id ${String(body['request_id'])} is not the X-Request-Id header ${requestId}`;
  if (answer.status === 405 && !header(answer, 'allow')) return '405 without Allow';
  return null;
}

function checkContract(target: Target, spec: RequestSpec, rendered: Rendered, answer: Answer): string | null {
  if (answer.status >= 500) return `HTTP ${answer.status}`;
  const text = answer.body.toString('utf8');
  const leak = leakIn(text);
  if (leak) return `the body leaks internals (${leak})`;
  // Redirects echo parameters: bounded, or browsers and proxies refuse them (Node reads 16 KiB of headers).
  const location = header(answer, 'location');
  if (location !== undefined && location.length > 8192) return `a Location header of ${location.length} characters`;
  // Node's HTTP parser refuses a request target with bytes outside ASCII, and headers over its
  // limit (431), before any route: the provider answers those with the JSON error too.
  if (/[^\x21-\x7e]/.test(rendered.path) || answer.status === 431) {
    if (answer.status !== 400 && answer.status !== 431) return `HTTP ${answer.status} for a request Node's parser refuses`;
    return checkOAuthError(answer, spec.method);
  }
  const limit = target.bodyLimit;
  // express.urlencoded refuses another charset (415) before it reads the body.
  const formType = /^application\/x-www-form-urlencoded\s*(?:;\s*charset="?utf-8"?\s*)?$/i.test(rendered.headers['content-type'] ?? '');
  // The method has to reach the body reader: a POST to an endpoint that takes POST.
  if (limit && spec.method === 'POST' && target.methods.includes('POST') && rendered.body.length > limit.bytes && (!limit.formOnly || formType)) {
    if (answer.status !== 413) return `HTTP ${answer.status} for a ${rendered.body.length}-byte body (limit ${limit.bytes}): expected 413`;
  }
  const hasBody = spec.method !== 'HEAD' && answer.status !== 204 && answer.status !== 304;
  switch (target.contract) {
    case 'oauth':
      if (answer.status >= 400) return checkOAuthError(answer, spec.method);
      if (!hasBody) return null;
      if (answer.status >= 300) return `API endpoint redirects (HTTP ${answer.status})`;
      if (!isJson(answer)) return `answer is not JSON (content-type ${header(answer, 'content-type')})`;
      parseJson(answer);
      return null;
    case 'page':
      // The router's method check answers JSON on every path it owns.
      if (answer.status >= 400 && isJson(answer)) return checkOAuthError(answer, spec.method);
      return null;
    case 'github-api': {
      if (!hasBody) return null;
      if (!isJson(answer)) return `GitHub API answer is not JSON (content-type ${header(answer, 'content-type')})`;
      const body = parseJson(answer);
      if (answer.status >= 400 && (typeof body['message'] !== 'string' || typeof body['documentation_url'] !== 'string')) return 'GitHub error without message and documentation_url';
      return null;
    }
    case 'github-token': {
      if (answer.status === 405) return checkOAuthError(answer, spec.method);
      if (!hasBody) return null;
      const fields = isJson(answer) ? parseJson(answer) : Object.fromEntries(new URLSearchParams(text));
      if (typeof fields['access_token'] === 'string') return answer.status === 200 ? null : `tokens with HTTP ${answer.status}`;
      if (typeof fields['error'] !== 'string' || !errorCode.test(fields['error'])) return 'GitHub token answer without error or access_token';
      const description = fields['error_description'];
      if (typeof description !== 'string' || !errorDescription.test(description)) return 'GitHub token error_description has characters RFC 6749 §5.2 forbids';
      return null;
    }
  }
}

/** What a failure prints: the request as sent and the answer. */
function describeExchange(rendered: Rendered, answer: Answer): string {
  const shown = (buffer: Buffer) => (buffer.length > 600 ? `${JSON.stringify(buffer.subarray(0, 600).toString('latin1'))}… (${buffer.length} bytes)` : JSON.stringify(buffer.toString('latin1')));
  return [
    `${rendered.method} ${rendered.path.length > 300 ? `${rendered.path.slice(0, 300)}…` : rendered.path}`,
    ...Object.entries(rendered.headers).map(([name, value]) => `${name}: ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`),
    `body: ${shown(rendered.body)}`,
    `-> HTTP ${answer.status} ${header(answer, 'content-type') ?? ''}`,
    `   ${shown(answer.body)}`,
  ].join('\n');
}

// With FUZZ_STATS set, how often each endpoint answered what: to see how deep the requests got.
const stats = new Map<string, Map<string, number>>();
function tally(target: Target, spec: RequestSpec, answer: Answer): void {
  if (!process.env['FUZZ_STATS']) return;
  let error = '';
  if (isJson(answer) && spec.method !== 'HEAD') {
    try {
      const body = parseJson(answer);
      error = String(body['error'] ?? body['message'] ?? (body['access_token'] ? 'tokens' : ''));
      if (process.env['FUZZ_STATS'] === 'pages' && typeof body['error_description'] === 'string') error += ` (${body['error_description'].slice(0, 50)})`;
    } catch {
      error = 'unparsable';
    }
  }
  if (process.env['FUZZ_STATS'] === 'pages' && /html/.test(header(answer, 'content-type') ?? '')) error = /class="error"[^>]*>([^<]*)/.exec(answer.body.toString('utf8'))?.[1]?.slice(0, 60) ?? '';
  const key = `${spec.method} ${answer.status} ${error}`.trim();
  const counts = stats.get(target.name) ?? new Map<string, number>();
  counts.set(key, (counts.get(key) ?? 0) + 1);
  stats.set(target.name, counts);
}
afterAll(() => {
  if (!process.env['FUZZ_STATS']) return;
  const lines = [...stats].map(([name, counts]) => `${name}: ${[...counts].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ×${n}`).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
});

// ---------------------------------------------------------------------------------------------

// The in-memory stores, and PostgreSQL (PGlite, in process) with fewer runs: a database refuses
// input that memory takes (NUL bytes), so both have to hold.
const stores: readonly (readonly [Store, number])[] = (
  [
    ['memory', numRuns],
    ['pglite', Math.max(1, Math.round(numRuns / 2))],
  ] as const
).filter(([store]) => (process.env['FUZZ_STORE'] ?? store) === store);

describe.each(stores)('malformed requests never hurt (fast-check, %s stores)', (store, runs) => {
  beforeAll(() => setUp(store), 60_000);
  afterAll(tearDown);

  it.each(targets.map((target) => [target.name, target] as const))('%s', async (_name, target) => {
    await fc.assert(
      fc.asyncProperty(arbitraries(target), async (spec) => {
        const rendered = render(spec);
        // A value that itself looks like a leak would be echoed back (a login page keeps the username).
        fc.pre(!leakIn(`${rendered.path}\n${Object.values(rendered.headers).join('\n')}\n${rendered.body.toString('latin1')}`));
        const answer = await send(rendered);
        tally(target, spec, answer);
        const violation = checkContract(target, spec, rendered, answer);
        if (violation !== null) throw new Error(`${target.name}: ${violation}\n${describeExchange(rendered, answer)}`);
      }),
      { numRuns: runs, ...seedOption },
    );
  });
});
