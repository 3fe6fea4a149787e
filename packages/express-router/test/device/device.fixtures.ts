// Fixtures of the device authorization grant tests (RFC 8628): device clients, the device's
// requests (authorization, polling) and the user's side (the /device page and its consent page),
// over real HTTP against the fixture server.
import { request as httpRequest } from 'node:http';
import { makeUser } from '@gatehouse/core/testing';
import type { User } from '@gatehouse/core';
import {
  basicAuthorization,
  clients,
  cookiesOf,
  customClient,
  get,
  hiddenInputs,
  jsonOf,
  postForm,
  testUser,
  tokenRequest,
  type ClientAuth,
  type Json,
  type Params,
  type RequestOptions,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

export const deviceGrantType = 'urn:ietf:params:oauth:grant-type:device_code';
export const deviceAuthorizationPath = '/application/o/device/';
export const devicePagePath = '/device';
export const deviceConsentPath = '/device/consent/';
/** RFC 8628 §6.1's alphabet, in the display form `XXXX-XXXX`. */
export const userCodePattern = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

/** A confidential device client: scopes openid profile email offline_access gatehouse:api. */
export const tv = customClient('tv', { name: 'Living Room TV', scopes: ['openid', 'profile', 'email', 'offline_access', 'gatehouse:api'] });
/** A second confidential client, for codes presented by the wrong client. */
export const radio = customClient('radio');
/** Only members of `operators` may use it (the test user is not one). */
export const restricted = customClient('restricted', { name: 'Restricted Console', allowedGroups: ['operators'] });
/** Device codes valid 30 minutes. */
export const longLived = customClient('long-lived', { deviceCodeValiditySeconds: 1800 });
/** The fixture's public client: authenticates with client_id alone. */
export const publicClient = clients.public;

/** A member of `operators`, for the restricted application. */
export const operator: User = makeUser({ id: 'user-operator', uuid: '3c0d5f4e-1a2b-4c3d-9e8f-7a6b5c4d3e2f', username: 'olga', name: 'Olga Operator', groups: ['operators'] });

export const deviceApplications = [tv.application, radio.application, restricted.application, longLived.application];

/** The device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  readonly expires_in: number;
  readonly interval: number;
}

/** POST the device authorization endpoint as `client` (Basic by default). */
export function requestDeviceAuthorization(t: TestServer, c: TestClient, params: Params = {}, auth: ClientAuth = 'basic'): Promise<Response> {
  switch (auth) {
    case 'basic':
      return postForm(t, deviceAuthorizationPath, params, { headers: { authorization: basicAuthorization(c.clientId, c.secret!) } });
    case 'post':
      return postForm(t, deviceAuthorizationPath, { ...params, client_id: c.clientId, client_secret: c.secret! });
    case 'none':
      return postForm(t, deviceAuthorizationPath, { ...params, client_id: c.clientId });
  }
}

/** A device authorization that must succeed. */
export async function startDevice(t: TestServer, c: TestClient, scope?: string, auth: ClientAuth = c.secret === undefined ? 'none' : 'basic'): Promise<DeviceAuthorization> {
  const res = await requestDeviceAuthorization(t, c, scope === undefined ? {} : { scope }, auth);
  if (res.status !== 200) throw new Error(`device authorization answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as DeviceAuthorization;
}

/** One poll of the token endpoint with the device code. */
export function poll(t: TestServer, c: TestClient, deviceCode: string, extra: Params = {}, auth: ClientAuth = c.secret === undefined ? 'none' : 'basic'): Promise<Response> {
  return tokenRequest(t, c, { grant_type: deviceGrantType, device_code: deviceCode, ...extra }, auth);
}

/** Asserts a token-endpoint error: status, the exact error body with request_id, no-store. */
export async function expectTokenError(res: Response, status: number, error: string): Promise<Json> {
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error'] }).toEqual({ status, error });
  expect(body).toEqual({ error, error_description: expect.any(String), request_id: res.headers.get('x-request-id') });
  expect(res.headers.get('cache-control')).toBe('no-store');
  return body;
}

// ---------------------------------------------------------------------------------------------
// The user's side

/** A browser of the test user (or `user`): the CSRF cookie and token of the device page. */
export interface DeviceBrowser {
  readonly user: string;
  readonly csrfToken: string;
  readonly cookie: string;
  /** Extra headers of every request (e.g. another user's session). */
  readonly options: RequestOptions;
}

/** Opens the device page signed in as `user` and keeps its CSRF token and cookie. */
export async function openDevicePage(t: TestServer, user: string = testUser.id, query = ''): Promise<DeviceBrowser & { readonly html: string }> {
  const res = await get(t, `${devicePagePath}${query}`, { user });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`device page answered ${res.status}: ${html}`);
  const csrfToken = hiddenInputs(html)['csrf_token']!;
  const cookie = `gatehouse-csrf=${cookiesOf(res)['gatehouse-csrf'] ?? csrfToken}`;
  return { user, csrfToken, cookie, html, options: { user, headers: { cookie } } };
}

/** Submits a user code on the device page. */
export function submitUserCode(t: TestServer, browser: DeviceBrowser, userCode: string): Promise<Response> {
  return postForm(t, devicePagePath, { user_code: userCode, csrf_token: browser.csrfToken }, browser.options);
}

/** The interaction id of a consent page (which must be one). */
export async function consentInteractionOf(res: Response): Promise<{ readonly interaction: string; readonly html: string }> {
  const html = await res.text();
  if (res.status !== 200 || !html.includes('name="decision"')) throw new Error(`expected a consent page, got ${res.status}: ${html}`);
  return { interaction: hiddenInputs(html)['interaction']!, html };
}

/** Answers the device's consent page. */
export function answerDeviceConsent(t: TestServer, browser: DeviceBrowser, interaction: string, decision: 'allow' | 'deny'): Promise<Response> {
  return postForm(t, deviceConsentPath, { interaction, decision, csrf_token: browser.csrfToken }, browser.options);
}

/** The whole user side: open the page, enter the code, answer the consent page; the result page must follow. */
export async function answerDevice(t: TestServer, userCode: string, decision: 'allow' | 'deny', user: string = testUser.id): Promise<string> {
  const browser = await openDevicePage(t, user);
  const { interaction } = await consentInteractionOf(await submitUserCode(t, browser, userCode));
  const res = await answerDeviceConsent(t, browser, interaction, decision);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`device consent answered ${res.status}: ${html}`);
  return html;
}

/**
 * POST a form from a given loopback address (127.0.0.2, 127.0.0.3, ...), so that tests can tell
 * limits per user from limits per address. Node's fetch cannot choose its source address.
 */
export function postFormFrom(t: TestServer, localAddress: string, path: string, body: Params, options: RequestOptions & { readonly user: string }): Promise<{ readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly body: string }> {
  const encoded = new URLSearchParams(body).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${t.baseUrl}${path}`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(encoded), 'x-test-user': options.user, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(encoded);
  });
}
