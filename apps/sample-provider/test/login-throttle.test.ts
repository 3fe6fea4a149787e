import { createLoginThrottle } from '../src/login/login-throttle.js';
import { Browser } from './browser.js';
import { person, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

describe('login throttle (memory)', () => {
  it('locks an account after five failures, for longer each time, and a success clears the count', async () => {
    const throttle = createLoginThrottle();
    for (let i = 0; i < 4; i++) expect(await throttle.fail('10.0.0.1', 'Alice')).toBe(0);
    expect(await throttle.fail('10.0.0.1', 'alice')).toBe(60);
    expect(await throttle.wait('10.0.0.2', ' ALICE ')).toBeGreaterThan(55);
    expect(await throttle.wait('10.0.0.2', 'bob')).toBe(0);

    const other = createLoginThrottle();
    for (let i = 0; i < 4; i++) await other.fail('10.0.0.1', 'carol');
    await other.succeed('carol');
    for (let i = 0; i < 4; i++) expect(await other.fail('10.0.0.1', 'carol')).toBe(0);
  });

  it('doubles the lockout of an account that keeps failing', async () => {
    const throttle = createLoginThrottle({ accountAttempts: 2 });
    await throttle.fail('ip', 'dave');
    expect(await throttle.fail('ip', 'dave')).toBe(60);
    // The block ends after a minute; the window still holds the failures, so the next failure locks again, longer.
    await throttle.succeed('dave');
    await throttle.fail('ip', 'dave');
    expect(await throttle.fail('ip', 'dave')).toBe(120);
  });

  it('limits one address across accounts', async () => {
    const throttle = createLoginThrottle({ ipAttempts: 3 });
    for (const name of ['a', 'b', 'c']) expect(await throttle.fail('10.9.9.9', name)).toBe(0);
    expect(await throttle.fail('10.9.9.9', 'd')).toBeGreaterThan(0);
    expect(await throttle.wait('10.9.9.9', 'e')).toBeGreaterThan(0);
    expect(await throttle.wait('10.9.9.8', 'e')).toBe(0);
  });
});

describe('login form under attack', () => {
  let provider: RunningProvider;
  beforeAll(async () => {
    provider = await startProvider(seed);
  });
  afterAll(() => provider.close());

  const attempt = async (browser: Browser, password: string) => {
    const url = `${provider.baseUrl}/login`;
    const form = Browser.forms(await (await browser.get(url)).text(), url)[0]!;
    return browser.submit(form, { username: person.username, password });
  };

  it('answers 429 with Retry-After after five wrong passwords, even for the right one, and records the failures', async () => {
    const browser = new Browser();
    for (let i = 0; i < 4; i++) expect((await attempt(browser, 'wrong')).status).toBe(401);
    const locked = await attempt(browser, 'wrong');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Too many failed attempts');
    expect((await attempt(browser, person.password)).status).toBe(429);
    const failures = provider.stores as unknown as { recordedEvents: { action: string }[] };
    expect(failures.recordedEvents.filter((event) => event.action === 'login_failed')).toHaveLength(5);
  });

  it('answers health and readiness probes', async () => {
    const health = await fetch(`${provider.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${provider.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
