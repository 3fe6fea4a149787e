// The user's side of the device flow (RFC 8628 §3.3, behaviour spec §3.5 and edge cases 51-54):
// the /device page requires sign-in, is CSRF-protected, accepts the user code however it is
// typed, checks the application's access policy (CVE-2024-38371) and always shows the consent
// page (RFC 8628 §5.4), whose answer the device learns at its next poll.
import type { ScopePolicyContext } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { get, otherUser, postForm, startTestServer, testUser, type TestServer } from '../fixtures.js';
import {
  answerDevice,
  answerDeviceConsent,
  consentInteractionOf,
  deviceApplications,
  devicePagePath,
  expectTokenError,
  openDevicePage,
  operator,
  poll,
  restricted,
  startDevice,
  submitUserCode,
  tv,
} from './device.fixtures.js';

const policyCalls: ScopePolicyContext[] = [];
/** Users the scope policy hook refuses. */
const refusedByHook = new Set<string>();
let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(Math.floor(Date.now() / 1000));
  t = await startTestServer({
    clock,
    applications: deviceApplications,
    users: [operator],
    hooks: {
      authorizeScopes: (context) => {
        policyCalls.push(context);
        return !refusedByHook.has(context.user.id);
      },
    },
  });
});
afterAll(() => t.close());

describe('GET /device', () => {
  it('sends a browser without a session to the login page, and back with the code', async () => {
    let res = await get(t, devicePagePath);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/login?${new URLSearchParams({ next: '/device' })}`);
    res = await get(t, `${devicePagePath}?user_code=WDJB-MJHT`);
    expect(res.headers.get('location')).toBe(`/login?${new URLSearchParams({ next: '/device?user_code=WDJB-MJHT' })}`);
  });

  it('shows the signed-in user a form with the user_code field and a CSRF token, never framed', async () => {
    const res = await get(t, devicePagePath, { user: testUser.id });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('<form method="post" action="/device/">');
    expect(html).toMatch(/<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{43}">/);
    expect(html).toContain('name="user_code" value=""');
    expect(res.headers.getSetCookie().join()).toMatch(/gatehouse-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('pre-fills the code of verification_uri_complete, escaped, without accepting it', async () => {
    const device = await startDevice(t, tv.client);
    const page = await openDevicePage(t, testUser.id, new URL(device.verification_uri_complete).search);
    expect(page.html).toContain(`name="user_code" value="${device.user_code}"`);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
    const hostile = await openDevicePage(t, testUser.id, `?${new URLSearchParams({ user_code: '"><script>alert(1)</script>' })}`);
    expect(hostile.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(hostile.html).not.toContain('<script>');
  });
});

describe('POST /device', () => {
  it.each([
    ['as shown', (code: string) => code],
    ['in lower case', (code: string) => code.toLowerCase()],
    ['without the dash', (code: string) => code.replace('-', '')],
    ['with spaces instead of the dash', (code: string) => ` ${code.replace('-', ' ')} `],
    ['in mixed case with spaces between letters', (code: string) => code.toLowerCase().replace('-', '').split('').join(' ').replace(/^(.)/, (c) => c.toUpperCase())],
  ])('accepts the user code %s and shows the consent page', async (_name, typed) => {
    const device = await startDevice(t, tv.client, 'openid profile');
    const browser = await openDevicePage(t);
    const res = await submitUserCode(t, browser, typed(device.user_code));
    const { html } = await consentInteractionOf(res);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(html).toContain('Living Room TV');
    expect(html).toContain('<strong>alice</strong>');
    expect(html).toContain('<li>Sign you in</li><li>Your name, username and groups</li>');
    expect(html).toContain('action="/device/consent/"');
  });

  it('asks for consent even when the application would not at the authorization endpoint (RFC 8628 §5.4)', async () => {
    expect(tv.application.consent).toBe('implicit');
    const device = await startDevice(t, tv.client);
    await consentInteractionOf(await submitUserCode(t, await openDevicePage(t), device.user_code));
  });

  it('shows the form again for an unknown or malformed code, with the code as typed', async () => {
    const browser = await openDevicePage(t);
    for (const typed of ['BCDF-GHJK', 'AEIO-UAEI', 'short', '<b>x</b>']) {
      const res = await submitUserCode(t, browser, typed);
      const html = await res.text();
      expect(res.status).toBe(400);
      expect(html).toContain('This code is not valid or has expired.');
      expect(html).toContain('name="user_code"');
      expect(html).not.toContain('<b>x</b>');
    }
  });

  it('does not accept an expired code', async () => {
    const device = await startDevice(t, tv.client);
    const browser = await openDevicePage(t);
    clock.advance(600);
    const res = await submitUserCode(t, browser, device.user_code);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This code is not valid or has expired.');
  });

  it('refuses a submission without the CSRF token, or with another browser\'s, without looking at the code', async () => {
    const device = await startDevice(t, tv.client);
    const browser = await openDevicePage(t);
    for (const csrf of [undefined, 'x'.repeat(43)]) {
      const res = await postForm(t, devicePagePath, { user_code: device.user_code, ...(csrf ? { csrf_token: csrf } : {}) }, browser.options);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('The form has expired.');
    }
    const withoutCookie = await postForm(t, devicePagePath, { user_code: device.user_code, csrf_token: browser.csrfToken }, { user: testUser.id });
    expect(withoutCookie.status).toBe(400);
    // The code is still waiting for its user.
    await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
  });

  it('sends a browser whose session ended to the login page, keeping the code', async () => {
    const browser = await openDevicePage(t);
    const res = await postForm(t, devicePagePath, { user_code: 'wdjb-mjht', csrf_token: browser.csrfToken }, { headers: { cookie: browser.cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?${new URLSearchParams({ next: '/device?user_code=wdjb-mjht' })}`);
  });

  it('shows an access-denied page with 403 to a user the access policy refuses (CVE-2024-38371), and lets another user in', async () => {
    const device = await startDevice(t, restricted.client);
    const res = await submitUserCode(t, await openDevicePage(t), device.user_code);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('You may not use Restricted Console.');
    expect(html).not.toContain('name="decision"');
    await expectTokenError(await poll(t, restricted.client, device.device_code), 400, 'authorization_pending');
    await answerDevice(t, device.user_code, 'allow', operator.id);
  });

  it('asks the scope policy hook with the device code grant type', async () => {
    const device = await startDevice(t, tv.client, 'openid email');
    policyCalls.length = 0;
    refusedByHook.add(otherUser.id);
    try {
      const res = await submitUserCode(t, await openDevicePage(t, otherUser.id), device.user_code);
      expect(res.status).toBe(403);
    } finally {
      refusedByHook.delete(otherUser.id);
    }
    expect(policyCalls).toEqual([
      expect.objectContaining({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', scopes: ['openid', 'email'], application: expect.objectContaining({ id: tv.application.id }) }),
    ]);
  });

  it('refuses the code once it was answered', async () => {
    const device = await startDevice(t, tv.client);
    await answerDevice(t, device.user_code, 'deny');
    const res = await submitUserCode(t, await openDevicePage(t), device.user_code);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This code has already been used.');
  });
});

describe('POST /device/consent', () => {
  it('shows the result page after allowing, and the device gets its tokens', async () => {
    const device = await startDevice(t, tv.client, 'openid');
    const browser = await openDevicePage(t);
    const { interaction } = await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
    const res = await answerDeviceConsent(t, browser, interaction, 'allow');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('You can return to your device.');
    expect((await poll(t, tv.client, device.device_code)).status).toBe(200);
  });

  it('shows the result page after denying', async () => {
    const device = await startDevice(t, tv.client);
    const html = await answerDevice(t, device.user_code, 'deny');
    expect(html).toContain('Living Room TV was not given access.');
  });

  it('counts one answer: the interaction cannot be answered twice, nor the other way round', async () => {
    const device = await startDevice(t, tv.client);
    const browser = await openDevicePage(t);
    const { interaction } = await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
    expect((await answerDeviceConsent(t, browser, interaction, 'deny')).status).toBe(200);
    const again = await answerDeviceConsent(t, browser, interaction, 'allow');
    expect(again.status).toBe(400);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'access_denied');
  });

  it('lets the first of two consent pages for one code win', async () => {
    const device = await startDevice(t, tv.client);
    const alice = await openDevicePage(t);
    const bob = await openDevicePage(t, otherUser.id);
    const first = await consentInteractionOf(await submitUserCode(t, alice, device.user_code));
    const second = await consentInteractionOf(await submitUserCode(t, bob, device.user_code));
    expect((await answerDeviceConsent(t, alice, first.interaction, 'deny')).status).toBe(200);
    const late = await answerDeviceConsent(t, bob, second.interaction, 'allow');
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('This code has already been used.');
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'access_denied');
  });

  it('refuses an answer from another user\'s session', async () => {
    const device = await startDevice(t, tv.client);
    const alice = await openDevicePage(t);
    const { interaction } = await consentInteractionOf(await submitUserCode(t, alice, device.user_code));
    const res = await postForm(t, '/device/consent/', { interaction, decision: 'allow', csrf_token: alice.csrfToken }, { user: otherUser.id, headers: { cookie: alice.cookie } });
    expect(res.status).toBe(403);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
  });

  it('refuses an answer without the CSRF token', async () => {
    const device = await startDevice(t, tv.client);
    const browser = await openDevicePage(t);
    const { interaction } = await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
    const res = await postForm(t, '/device/consent/', { interaction, decision: 'allow' }, browser.options);
    expect(res.status).toBe(400);
    await expectTokenError(await poll(t, tv.client, device.device_code), 400, 'authorization_pending');
    // The interaction was not used up by the forged request.
    expect((await answerDeviceConsent(t, browser, interaction, 'allow')).status).toBe(200);
  });
});
