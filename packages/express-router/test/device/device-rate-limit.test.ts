// Guessing user codes (RFC 8628 §5.1): failed entries on the /device page are counted per user
// and per client address in the CodeCache; the 11th within 10 minutes is answered 429 with
// Retry-After, whatever the code. Successful entries do not count. Each test starts its own
// server: the counts live in its code cache.
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { hiddenInputs, otherUser, postForm, startTestServer, testUser, type TestServer } from '../fixtures.js';
import {
  consentInteractionOf,
  deviceApplications,
  devicePagePath,
  openDevicePage,
  postFormFrom,
  startDevice,
  submitUserCode,
  tv,
  type DeviceBrowser,
} from './device.fixtures.js';

let t: TestServer;
let clock: ManualClock;
beforeEach(async () => {
  clock = manualClock(Math.floor(Date.now() / 1000));
  t = await startTestServer({ clock, applications: deviceApplications });
});
afterEach(() => t.close());

const wrongCode = 'BCDF-GHJK';

async function failTimes(browser: DeviceBrowser, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await submitUserCode(t, browser, wrongCode);
    await res.arrayBuffer();
    if (res.status !== 400) throw new Error(`failed entry ${i + 1} answered ${res.status}`);
  }
}

describe('user code guessing', () => {
  it('answers 429 with Retry-After after 10 failed entries within 10 minutes, even for a valid code', async () => {
    const browser = await openDevicePage(t);
    const device = await startDevice(t, tv.client);
    await failTimes(browser, 10);

    let res = await submitUserCode(t, browser, wrongCode);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('600');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('Too many invalid codes.');
    expect(hiddenInputs(html)['interaction']).toBeUndefined();

    clock.advance(100);
    res = await submitUserCode(t, browser, device.user_code);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('500');
  });

  it('counts in a sliding window: each failed entry frees its slot 10 minutes later', async () => {
    const browser = await openDevicePage(t);
    await failTimes(browser, 5);
    clock.advance(300);
    await failTimes(browser, 5);
    expect((await submitUserCode(t, browser, wrongCode)).status).toBe(429);
    // The first five are forgotten 600 s after they happened: five more entries are allowed.
    clock.advance(300);
    const device = await startDevice(t, tv.client);
    await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
    await failTimes(browser, 5);
    const res = await submitUserCode(t, browser, wrongCode);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('300');
  });

  it('does not count successful entries', async () => {
    const browser = await openDevicePage(t);
    await failTimes(browser, 9);
    for (let i = 0; i < 5; i++) {
      const device = await startDevice(t, tv.client);
      await consentInteractionOf(await submitUserCode(t, browser, device.user_code));
    }
    await failTimes(browser, 1);
    expect((await submitUserCode(t, browser, wrongCode)).status).toBe(429);
  });

  it('does not count submissions refused for their CSRF token or for a missing sign-in', async () => {
    const browser = await openDevicePage(t);
    for (let i = 0; i < 15; i++) {
      const forged = await postFormFrom(t, '127.0.0.1', devicePagePath, { user_code: wrongCode, csrf_token: 'x'.repeat(43) }, { user: testUser.id, headers: { cookie: browser.cookie } });
      expect(forged.status).toBe(400);
    }
    for (let i = 0; i < 15; i++) {
      const signedOut = await postForm(t, devicePagePath, { user_code: wrongCode, csrf_token: browser.csrfToken }, { headers: { cookie: browser.cookie } });
      expect(signedOut.status).toBe(303);
    }
    await failTimes(browser, 10);
    expect((await submitUserCode(t, browser, wrongCode)).status).toBe(429);
  });

  it('lets no more than 10 of many concurrent guesses through', async () => {
    const browser = await openDevicePage(t);
    const statuses = await Promise.all(Array.from({ length: 25 }, async () => {
      const res = await submitUserCode(t, browser, wrongCode);
      await res.arrayBuffer();
      return res.status;
    }));
    expect(statuses.filter((status) => status === 400)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('counts per user and per address', async () => {
    const alice = await openDevicePage(t, testUser.id);
    const bob = await openDevicePage(t, otherUser.id);
    const enter = (browser: DeviceBrowser, address: string, userCode: string) =>
      postFormFrom(t, address, devicePagePath, { user_code: userCode, csrf_token: browser.csrfToken }, { user: browser.user, headers: { cookie: browser.cookie } });
    for (let i = 0; i < 10; i++) expect((await enter(alice, '127.0.0.2', wrongCode)).status).toBe(400);

    // Alice is refused from any address; anyone is refused from her address.
    expect((await enter(alice, '127.0.0.3', wrongCode)).status).toBe(429);
    expect((await enter(bob, '127.0.0.2', wrongCode)).status).toBe(429);
    // Bob, from elsewhere, is not.
    const device = await startDevice(t, tv.client);
    const res = await enter(bob, '127.0.0.3', device.user_code);
    expect(res.status).toBe(200);
    expect(res.body).toContain('name="decision"');
  });
});
