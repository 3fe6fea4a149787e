// The seed, people and HTTP helpers of the management API tests: an admin (ada, in `admins`), a
// member who is not one (bob), and an application that may ask for gatehouse:api.
import * as client from 'openid-client';
import { apiRoutes } from '../../src/api/index.js';
import { Browser } from '../browser.js';

export const callback = 'http://127.0.0.1:8765/cb';
export const admin = { username: 'ada', password: 'Ada-Password-0123', appPassword: 'ada-app-password-0123456789abcdef' };
export const member = { username: 'bob', password: 'Bob-Password-0123', appPassword: 'bob-app-password-0123456789abcdef' };
export const consoleSecret = 'console-secret-0123456789abcdefghij';

export const apiSeed = {
  groups: [{ name: 'admins' }, { name: 'staff' }],
  users: [
    { username: admin.username, password: admin.password, name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true, groups: ['admins', 'staff'], app_passwords: [{ name: 'cli', token: admin.appPassword }] },
    { username: member.username, password: member.password, name: 'Bob Builder', email: 'bob@example.com', groups: ['staff'], app_passwords: [{ name: 'cli', token: member.appPassword }] },
  ],
  keys: [{ name: 'default', alg: 'ES256' }],
  applications: [
    {
      slug: 'console',
      name: 'Admin console',
      client_id: 'console-client',
      client_secret: consoleSecret,
      redirect_uris: [{ matching_mode: 'strict', url: callback }],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'gatehouse:api'],
      signing_key: 'default',
      consent: 'explicit',
    },
  ],
};

/** An access token of `person` for the console application, by the password grant with their app password. */
export async function accessToken(baseUrl: string, person: { readonly username: string; readonly appPassword: string }, scope: string): Promise<string> {
  const res = await fetch(`${baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'console-client', username: person.username, password: person.appPassword, scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`no token for ${person.username}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // Tests read whatever the API answered; the documented shape is checked in `call`.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

const templates = apiRoutes.map((route) => ({
  route,
  pattern: new RegExp(`^/api/v1${route.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** The route of the table that answers `method path`, if any. */
export const routeFor = (method: string, path: string) =>
  templates.find(({ route, pattern }) => route.method === method.toLowerCase() && pattern.test(path))?.route;

/**
 * Calls the API and checks that a success has exactly the shape its OpenAPI schema documents
 * (parsing with the route's response schema changes nothing: no field missing, none extra), and
 * that a refusal is a JSON error with the request id.
 */
export async function call(baseUrl: string, auth: { readonly token?: string; readonly browser?: Browser }, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...options.headers };
  if (auth.token) headers['authorization'] = `Bearer ${auth.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const init = { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) };
  const res = auth.browser ? await auth.browser.request(url, init) : await fetch(url, init);
  const text = await res.text();
  const body = text === '' ? undefined : JSON.parse(text);
  if (res.status < 300) {
    const schema = routeFor(method, url.pathname)?.response;
    if (schema) expect(schema.parse(body)).toEqual(body);
    expect(res.headers.get('cache-control')).toBe('no-store');
  } else {
    expect(body).toMatchObject({ error: expect.any(String), error_description: expect.any(String), request_id: res.headers.get('x-request-id') });
  }
  return { status: res.status, headers: res.headers, body };
}

/** A caller bound to one base URL and one way of authenticating. */
export const apiAs = (baseUrl: string, auth: { readonly token?: string; readonly browser?: Browser }) =>
  (method: string, path: string, options?: CallOptions) => call(baseUrl, auth, method, path, options);

/** A browser signed in on the provider's login page as `person`. */
export async function signedInBrowser(baseUrl: string, person: { readonly username: string; readonly password: string }): Promise<Browser> {
  const browser = new Browser();
  const page = await browser.get(`${baseUrl}/login`);
  const [form] = Browser.forms(await page.text(), `${baseUrl}/login`);
  const res = await browser.submit(form!, { username: person.username, password: person.password });
  if (res.status !== 302 && res.status !== 303) throw new Error(`login of ${person.username} failed: ${res.status}`);
  return browser;
}

/**
 * `person` signs in and consents in a browser; the console application redeems the code: a grant
 * with an access and a refresh token.
 */
export async function authorizeInBrowser(
  baseUrl: string,
  person: { readonly username: string; readonly password: string },
  browser = new Browser(),
): Promise<{ readonly access_token: string; readonly refresh_token: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const authorize = new URL(`${baseUrl}/application/o/authorize/`);
  for (const [name, value] of Object.entries({
    client_id: 'console-client', redirect_uri: callback, response_type: 'code', scope: 'openid profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })) authorize.searchParams.set(name, value);
  const { callback: returned } = await browser.signInAndConsent(authorize.href, callback, person);
  const res = await fetch(`${baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`console-client:${consoleSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: returned.searchParams.get('code')!, redirect_uri: callback, code_verifier: verifier }),
  });
  if (res.status !== 200) throw new Error(`code exchange failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; refresh_token: string };
}
