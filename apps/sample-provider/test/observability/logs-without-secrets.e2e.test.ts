// Issue 10's "logs contain no secret": the reference provider's whole log output (pino at trace,
// so every audit event too) captured while real flows run against it — the code flow with PKCE
// through the login and consent pages, refresh, client_credentials with a secret (Basic and post),
// a wrong client secret, introspection, userinfo, revocation, the device flow, a wrong password,
// app passwords, RP-initiated logout with an id_token_hint, management API calls that create or
// take secrets — holds one request line per request with its request id, and none of the
// passwords, secrets, codes or tokens that went by.
import { Writable } from 'node:stream';
import * as client from 'openid-client';
import { providerLogger } from '../../src/observability/provider-logger.js';
import { Browser } from '../browser.js';
import { callback, secretOf, seedApplication } from '../oidc-flow.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';

const alice = { username: 'alice', password: 'Alice-Password-42!' };
const adminAppPassword = 'admin-app-password-0123456789abcdef';
const wrongPassword = 'Not-Alices-Password-77?';
const appPassword = 'deploy-bot-app-password-0123456789';
const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

let logText = '';
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logText += String(chunk);
    done();
  },
});

/** Every value that must never reach a log line, by what it is. */
const secrets = new Map<string, string>([
  ['alice password', alice.password],
  ['wrong password', wrongPassword],
  ['app password', appPassword],
  ['admin app password', adminAppPassword],
  ['password set through the API', 'Carol-Password-0123!'],
  ['password changed through the API', 'Carol-Password-4567?'],
  ['app password as a base64 client secret', Buffer.from(`deploy-bot:${appPassword}`).toString('base64')],
  ['rp client secret', secretOf('rp')],
  ['tv client secret', secretOf('tv')],
  ['m2m client secret', secretOf('m2m')],
]);
const remember = (what: string, value: string | undefined) => {
  if (!value) throw new Error(`${what} is missing`);
  secrets.set(what, value);
  return value;
};

let provider: RunningProvider;
beforeAll(async () => {
  const seed = {
    groups: [{ name: 'admins' }],
    users: [
      { ...alice, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true },
      { username: 'ada', password: 'Ada-Password-0123!', name: 'Ada', groups: ['admins'], app_passwords: [{ name: 'cli', token: adminAppPassword }] },
      { username: 'deploy-bot', name: 'Deploy bot', type: 'service_account', app_passwords: [{ name: 'ci', token: appPassword }] },
    ],
    keys: [{ name: 'ec', alg: 'ES256' }],
    applications: [
      seedApplication('rp', {
        signing_key: 'ec',
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        redirect_uris: [{ matching_mode: 'strict', url: callback }, { matching_mode: 'strict', url: 'http://127.0.0.1:8765/bye', type: 'logout' }],
      }),
      seedApplication('tv', { signing_key: 'ec', scopes: ['openid', 'profile', 'offline_access'] }),
      seedApplication('m2m', { signing_key: 'ec' }),
      seedApplication('console', { signing_key: 'ec', scopes: ['openid', 'gatehouse:api'] }),
    ],
  };
  provider = await startProvider(seed, {}, { logger: providerLogger('trace', logStream) });
});
afterAll(() => provider.close());

const form = (path: string, params: Record<string, string>, authorization?: string) =>
  fetch(`${provider.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(params),
  });
const basic = (slug: string) => `Basic ${Buffer.from(`${slug}-client:${secretOf(slug)}`).toString('base64')}`;
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, string>, requestId: res.headers.get('x-request-id') });

/** Every request id the provider answered with in this file, and where. */
const answered: { readonly what: string; readonly requestId: string | null }[] = [];

async function runFlows(): Promise<void> {
  // The authorization code flow with PKCE, state and nonce, through the login and consent pages.
  const config = await client.discovery(new URL(`${provider.baseUrl}/application/o/rp/`), 'rp-client', secretOf('rp'), client.ClientSecretBasic(secretOf('rp')), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = remember('PKCE verifier', client.randomPKCECodeVerifier());
  const state = client.randomState();
  const nonce = client.randomNonce();
  const browser = new Browser();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { callback: returned } = await browser.signInAndConsent(authorizationUrl.href, callback, alice);
  remember('authorization code', returned.searchParams.get('code') ?? undefined);
  const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  remember('access token', tokens.access_token);
  remember('refresh token', tokens.refresh_token);
  const idToken = remember('ID token', tokens.id_token);

  // Refresh (rotation), userinfo, introspection, revocation.
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  remember('refreshed access token', refreshed.access_token);
  remember('rotated refresh token', refreshed.refresh_token);
  remember('refreshed ID token', refreshed.id_token);
  await client.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub);
  const introspected = await json(await form('/application/o/introspect/', { token: refreshed.access_token }, basic('rp')));
  expect(introspected.body['active']).toBe(true);
  answered.push({ what: 'introspection', requestId: introspected.requestId });
  const revoked = await form('/application/o/revoke/', { token: refreshed.refresh_token!, token_type_hint: 'refresh_token' }, basic('rp'));
  expect(revoked.status).toBe(200);
  answered.push({ what: 'revocation', requestId: revoked.headers.get('x-request-id') });

  // client_credentials with the client secret: Basic, in the body, and a wrong one.
  const machine = await json(await form('/application/o/token/', { grant_type: 'client_credentials', scope: 'openid profile' }, basic('m2m')));
  expect(machine.status).toBe(200);
  remember('client_credentials access token', machine.body['access_token']);
  answered.push({ what: 'client_credentials', requestId: machine.requestId });
  const posted = await json(await form('/application/o/token/', { grant_type: 'client_credentials', client_id: 'm2m-client', client_secret: secretOf('m2m') }));
  expect(posted.status).toBe(200);
  remember('client_secret_post access token', posted.body['access_token']);
  const wrongSecret = remember('wrong client secret', 'm2m-wrong-secret-0123456789abcdefghij');
  const refused = await json(await form('/application/o/token/', { grant_type: 'client_credentials', client_id: 'm2m-client', client_secret: wrongSecret }));
  // A secret that fails is tried as base64(username:app_password) too, hence invalid_grant.
  expect(refused.body['error']).toBe('invalid_grant');
  answered.push({ what: 'wrong client secret', requestId: refused.requestId });

  // App passwords: username and password, and base64(username:app_password) as the client secret.
  const byAppPassword = await json(await form('/application/o/token/', { grant_type: 'client_credentials', client_id: 'm2m-client', username: 'deploy-bot', password: appPassword, scope: 'openid' }));
  expect(byAppPassword.status).toBe(200);
  remember('app password access token', byAppPassword.body['access_token']);
  const byEncoded = await json(await form('/application/o/token/', { grant_type: 'client_credentials', client_id: 'm2m-client', client_secret: secrets.get('app password as a base64 client secret')! }));
  expect(byEncoded.status).toBe(200);
  remember('encoded app password access token', byEncoded.body['access_token']);

  // The device flow: the device asks, the person types the user code, the device polls once.
  const device = await json(await form('/application/o/device/', { scope: 'openid profile offline_access' }, basic('tv')));
  const deviceCode = remember('device code', device.body['device_code']);
  const userCode = remember('user code', device.body['user_code']);
  remember('user code as typed', userCode.replace('-', '').toLowerCase());
  const { page } = await new Browser().enterDeviceCode(device.body['verification_uri']!, userCode.replace('-', '').toLowerCase(), alice);
  expect(page.status).toBe(200);
  const deviceTokens = await json(await form('/application/o/token/', { grant_type: deviceGrant, device_code: deviceCode }, basic('tv')));
  expect(deviceTokens.status).toBe(200);
  remember('device access token', deviceTokens.body['access_token']);
  remember('device refresh token', deviceTokens.body['refresh_token']);

  // A wrong password at the login page.
  const person = new Browser();
  const loginPage = await person.get(`${provider.baseUrl}/login`);
  const login = Browser.forms(await loginPage.text(), `${provider.baseUrl}/login`).find((candidate) => 'password' in candidate.fields)!;
  const failed = await person.submit(login, { username: alice.username, password: wrongPassword });
  expect(failed.status).toBe(401);
  answered.push({ what: 'wrong password', requestId: failed.headers.get('x-request-id') });

  // RP-initiated logout with the ID token in the URL, from the browser that signed in.
  const endSession = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1:8765/bye', state: 'bye' });
  const signedOut = await browser.get(endSession);
  expect(signedOut.status).toBe(302);
  answered.push({ what: 'end-session', requestId: signedOut.headers.get('x-request-id') });
  // The home page: one of the provider's own routes.
  const home = await person.get(`${provider.baseUrl}/`);
  expect(home.status).toBe(200);
  await home.arrayBuffer();

  // The management API: secrets it generates (client secrets, app password tokens) and takes (passwords).
  const admin = await json(await form('/application/o/token/', { grant_type: 'password', client_id: 'console-client', username: 'ada', password: adminAppPassword, scope: 'gatehouse:api' }));
  const adminToken = remember('management API token', admin.body['access_token']);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${provider.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const answer = { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any>, requestId: res.headers.get('x-request-id') };
    expect(answer.status).toBeLessThan(300);
    return answer;
  };
  const created = await api('POST', '/applications', { slug: 'wiki', name: 'Wiki', client_id: 'wiki-client', redirect_uris: [{ matching_mode: 'strict', url: callback }] });
  remember('generated client secret', created.body['client_secret']);
  answered.push({ what: 'management API', requestId: created.requestId });
  remember('rotated client secret', (await api('POST', '/applications/wiki/rotate-secret')).body['client_secret']);
  await api('POST', '/users', { username: 'carol', name: 'Carol', password: secrets.get('password set through the API') });
  await api('PUT', '/users/carol/password', { password: secrets.get('password changed through the API') });
  remember('generated app password', (await api('POST', '/users/carol/app-passwords', { name: 'laptop' })).body['token']);
}

/** The log as JSON lines, once every request line and queued audit event has been written. */
async function logLines(): Promise<Record<string, any>[]> {
  await provider.server.flushEvents();
  return logText.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
}

jest.setTimeout(30_000);

describe('the provider log of a full set of flows', () => {
  let lines: Record<string, any>[];
  beforeAll(async () => {
    await runFlows();
    lines = await logLines();
  });

  it('contains none of the passwords, secrets, codes and tokens used, whole, URL-encoded or in part', () => {
    expect(secrets.size).toBeGreaterThan(20);
    for (const [what, value] of secrets) {
      const pieces = [value, encodeURIComponent(value), ...value.split('.').filter((part) => part.length >= 16)];
      for (const piece of pieces) {
        if (logText.includes(piece)) throw new Error(`the log contains the ${what}: ${logText.split('\n').find((line) => line.includes(piece))}`);
      }
    }
  });

  it('has one request line per request with its request id, endpoint, status, outcome and latency', () => {
    const requestLines = lines.filter((line) => line['msg'] === 'request');
    for (const { what, requestId } of answered) {
      expect({ what, lines: requestLines.filter((line) => line['requestId'] === requestId).length }).toEqual({ what, lines: 1 });
    }
    for (const line of requestLines) {
      expect(line).toMatchObject({ level: 30, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), method: expect.any(String), endpoint: expect.any(String), status: expect.any(Number), outcome: expect.any(String), durationMs: expect.any(Number) });
    }
    const byId = (what: string) => requestLines.find((line) => line['requestId'] === answered.find((entry) => entry.what === what)!.requestId);
    expect(byId('client_credentials')).toMatchObject({ endpoint: 'token', status: 200, outcome: 'ok', clientId: 'm2m-client', grantType: 'client_credentials' });
    expect(byId('wrong client secret')).toMatchObject({ endpoint: 'token', status: 400, outcome: 'invalid_grant', clientId: 'm2m-client' });
    expect(byId('introspection')).toMatchObject({ endpoint: 'introspection', status: 200, outcome: 'ok', clientId: 'rp-client' });
    expect(byId('revocation')).toMatchObject({ endpoint: 'revocation', status: 200, clientId: 'rp-client' });
    expect(byId('wrong password')).toMatchObject({ endpoint: '/login', method: 'POST', status: 401, outcome: 'access_denied' });
    expect(byId('end-session')).toMatchObject({ endpoint: 'end_session', status: 302, outcome: 'ok' });
    expect(byId('management API')).toMatchObject({ endpoint: '/api/v1/applications', method: 'POST', status: 201, outcome: 'ok' });
    const endpoints = new Set(requestLines.map((line) => line['endpoint']));
    for (const endpoint of ['discovery', 'authorize', 'authorize_resume', 'authorize_consent', 'token', 'userinfo', 'device_authorization', 'device_verification', 'device_consent', '/login', '/']) {
      expect(endpoints).toContain(endpoint);
    }
    expect(requestLines.filter((line) => line['endpoint'] === 'token' && line['grantType'] === deviceGrant && line['status'] === 200)).toHaveLength(1);
  });

  it('logs the audit events with their request ids, the failed login among them', () => {
    const events = lines.filter((line) => line['event'] !== undefined).map((line) => line['event'] as Record<string, any>);
    expect(events.map((event) => event['action'])).toEqual(expect.arrayContaining(['login', 'login_failed', 'authorize_application', 'token_issued', 'token_revoked', 'logout', 'admin_operation']));
    const issued = events.find((event) => event['action'] === 'token_issued' && event['context']['grantType'] === 'client_credentials');
    expect(issued!['requestId']).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  });
});
