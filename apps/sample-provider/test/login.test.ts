import { Browser } from './browser.js';
import { callback, person, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

async function loginForm(browser: Browser, next = '/') {
  const url = `${provider.baseUrl}/login?next=${encodeURIComponent(next)}`;
  const response = await browser.get(url);
  expect(response.status).toBe(200);
  const form = Browser.forms(await response.text(), url).find((f) => 'username' in f.fields)!;
  expect(form.fields['csrf_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return form;
}

describe('login and logout pages', () => {
  it('sends a signed-in person to the local next path', async () => {
    const browser = new Browser();
    const response = await browser.submit(await loginForm(browser, '/application/o/es/'), person);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/application/o/es/');
  });

  it.each(['https://evil.example/', '//evil.example/', '/\\evil.example/'])('never redirects off-site after login (next=%s)', async (next) => {
    const browser = new Browser();
    const response = await browser.submit(await loginForm(browser, next), person);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'wrong' }],
    ['an unknown account', { username: 'mallory', password: 'wrong' }],
  ])('answers %s with the same message and no session', async (_name, credentials) => {
    const browser = new Browser();
    const response = await browser.submit(await loginForm(browser), credentials);
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('Invalid username or password.');
    const home = await (await browser.get(`${provider.baseUrl}/`)).text();
    expect(home).toContain('Not signed in');
  });

  it('refuses a login without the CSRF token', async () => {
    const browser = new Browser();
    const form = await loginForm(browser);
    const response = await browser.submit({ ...form, fields: { ...form.fields, csrf_token: 'x'.repeat(43) } }, person);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The form expired');
  });

  it('signs out after confirmation, and the next authorization asks for login again', async () => {
    const browser = new Browser();
    await browser.submit(await loginForm(browser), person);
    const logoutUrl = `${provider.baseUrl}/logout`;
    const page = await browser.get(logoutUrl);
    const form = Browser.forms(await page.text(), logoutUrl)[0]!;
    expect(form.buttons).toEqual([{ name: 'decision', value: 'allow' }, { name: 'decision', value: 'deny' }]);
    expect((await browser.submit(form, { decision: 'allow' })).status).toBe(303);

    const authorize = `${provider.baseUrl}/application/o/authorize/?client_id=es-client&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(callback)}`;
    const response = await browser.get(authorize);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('marks pages as unframeable and uncached', async () => {
    const response = await new Browser().get(`${provider.baseUrl}/login`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
