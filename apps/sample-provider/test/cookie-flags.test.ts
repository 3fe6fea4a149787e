import { Browser } from './browser.js';
import { person, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

/** Signs in and returns the Set-Cookie headers of the login page and of the login answer. */
async function cookiesOfLogin(provider: RunningProvider, headers: Record<string, string>) {
  const browser = new Browser();
  const url = `${provider.baseUrl}/login`;
  const page = await browser.request(url, { method: 'GET', headers });
  const form = Browser.forms(await page.text(), url)[0]!;
  const answer = await browser.request(form.action, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ...person }),
  });
  expect(answer.status).toBe(303);
  return { csrf: page.headers.getSetCookie(), session: answer.headers.getSetCookie() };
}

describe('cookie flags', () => {
  let plain: RunningProvider;
  let tls: RunningProvider;
  beforeAll(async () => {
    plain = await startProvider(seed);
    // Behind a TLS-terminating proxy on loopback: PUBLIC_URL is https and the proxy says so.
    tls = await startProvider(seed, {}, { publicUrl: 'https://id.example.test' });
  });
  afterAll(async () => {
    await plain.close();
    await tls.close();
  });

  it('sets HttpOnly, SameSite=Lax cookies without Secure over plain http', async () => {
    const { csrf, session } = await cookiesOfLogin(plain, {});
    expect(csrf).toEqual([expect.stringMatching(/^gatehouse-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/)]);
    expect(session).toEqual([expect.stringMatching(/^gatehouse\.sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)]);
  });

  it('sets __Host- cookies with Secure when PUBLIC_URL is https', async () => {
    const { csrf, session } = await cookiesOfLogin(tls, { 'x-forwarded-proto': 'https' });
    expect(csrf).toEqual([expect.stringMatching(/^__Host-gatehouse-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/)]);
    expect(session).toEqual([expect.stringMatching(/^__Host-gatehouse\.sid=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)]);
  });
});
