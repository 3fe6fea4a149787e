// The device authorization endpoint (RFC 8628 §3.1–§3.2, behaviour spec §1.3 and edge cases
// 49-50): client authentication by client type, scopes narrowed like at authorize, a URL-safe
// device code, a short user code, the application's lifetime; discovery advertises it (§4).
import type { AuditEvent } from '@gatehouse/core';
import { get, jsonOf, postForm, startTestServer, type TestServer } from '../fixtures.js';
import {
  deviceApplications,
  deviceAuthorizationPath,
  deviceGrantType,
  longLived,
  publicClient,
  requestDeviceAuthorization,
  startDevice,
  tv,
  userCodePattern,
  type DeviceAuthorization,
} from './device.fixtures.js';

const events: AuditEvent[] = [];
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ applications: deviceApplications, hooks: { onEvent: (event) => events.push(event) } });
});
afterAll(() => t.close());

describe('device authorization endpoint', () => {
  it('answers a confidential client with a device code, a user code and where to enter it', async () => {
    const res = await requestDeviceAuthorization(t, tv.client, { scope: 'openid profile' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as DeviceAuthorization;
    expect(Object.keys(body).sort()).toEqual(['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
    // URL-safe (authentik's had &+=%# in it, which clients that forget to encode break, #13484).
    expect(body.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user_code).toMatch(userCodePattern);
    expect(body.verification_uri).toBe(`${t.baseUrl}/device`);
    expect(body.verification_uri_complete).toBe(`${t.baseUrl}/device?user_code=${body.user_code}`);
    // authentik: the 60 s code lifetime; here the application's device code lifetime, 10 minutes by default.
    expect(body.expires_in).toBe(600);
    expect(body.interval).toBe(5);
  });

  it('hands out a new device code and user code every time', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => startDevice(t, tv.client)));
    expect(new Set(all.map((one) => one.device_code)).size).toBe(20);
    expect(new Set(all.map((one) => one.user_code)).size).toBe(20);
  });

  it('uses the lifetime configured on the application', async () => {
    expect((await startDevice(t, longLived.client)).expires_in).toBe(1800);
  });

  it('accepts client_secret_post', async () => {
    expect((await requestDeviceAuthorization(t, tv.client, {}, 'post')).status).toBe(200);
  });

  it('accepts a public client by client_id alone', async () => {
    const res = await requestDeviceAuthorization(t, publicClient, { scope: 'openid' }, 'none');
    expect(res.status).toBe(200);
    expect((await jsonOf(res))['user_code']).toMatch(userCodePattern);
  });

  it.each([
    ['a confidential client without its secret', () => postForm(t, deviceAuthorizationPath, { client_id: tv.client.clientId })],
    ['a wrong secret', () => postForm(t, deviceAuthorizationPath, { client_id: tv.client.clientId, client_secret: 'wrong' })],
    ['an unknown client_id', () => postForm(t, deviceAuthorizationPath, { client_id: 'nobody' })],
    ['no client at all', () => postForm(t, deviceAuthorizationPath, { scope: 'openid' })],
    ['a public client that sends a secret', () => postForm(t, deviceAuthorizationPath, { client_id: publicClient.clientId, client_secret: 'x' })],
  ])('refuses %s with 401 invalid_client', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(401);
    expect(await jsonOf(res)).toEqual({ error: 'invalid_client', error_description: expect.any(String), request_id: res.headers.get('x-request-id') });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
  });

  it('drops scopes the application does not have and reports them (authentik stored them unchecked)', async () => {
    events.length = 0;
    expect((await requestDeviceAuthorization(t, tv.client, { scope: 'openid admin' })).status).toBe(200);
    expect(events).toContainEqual(expect.objectContaining({ action: 'scopes_dropped', applicationId: tv.application.id, context: { dropped: ['admin'] } }));
  });

  it('answers 405 to GET', async () => {
    const res = await get(t, deviceAuthorizationPath);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('discovery', () => {
  it('advertises the device authorization endpoint and the device code grant (RFC 8628 §4)', async () => {
    const metadata = await jsonOf(await get(t, `/application/o/${tv.client.slug}/.well-known/openid-configuration`));
    expect(metadata['device_authorization_endpoint']).toBe(`${t.baseUrl}/application/o/device/`);
    expect(metadata['grant_types_supported']).toContain(deviceGrantType);
  });
});
