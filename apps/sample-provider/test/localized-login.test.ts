// The provider's own pages in the user's language: the login page follows the ui_locales of the
// authorization request it signs in for (carried in `next`), else Accept-Language; the home and
// not-found pages follow Accept-Language. English stays the default.
import { Browser } from './browser.js';
import { callback, person, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

const langOf = (html: string) => html.match(/<html lang="([^"]+)">/)?.[1];
const german = { 'accept-language': 'de-CH, de;q=0.9' };

async function loginPage(browser: Browser, next: string, headers: Record<string, string> = {}) {
  const url = `${provider.baseUrl}/login?next=${encodeURIComponent(next)}`;
  const response = await browser.request(url, { method: 'GET', headers });
  const html = await response.text();
  return { html, form: Browser.forms(html, url).find((form) => 'username' in form.fields)! };
}

describe('the login page', () => {
  it('speaks the language of the ui_locales in next, with labelled fields', async () => {
    const { html } = await loginPage(new Browser(), '/application/o/authorize/resume/?interaction=x&ui_locales=fr%20de');
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<title>Anmelden</title>');
    expect(html).toContain('<h1>Bei Gatehouse anmelden</h1>');
    expect(html).toContain('<label for="username">Benutzername</label><input id="username" type="text" name="username" autocomplete="username"');
    expect(html).toContain('<label for="password">Passwort</label><input id="password" type="password" name="password" autocomplete="current-password"');
    expect(html).toContain('<button class="primary" type="submit">Anmelden</button>');
  });

  it('follows Accept-Language without ui_locales, and is English otherwise', async () => {
    expect(langOf((await loginPage(new Browser(), '/', german)).html)).toBe('de');
    const { html } = await loginPage(new Browser(), '/');
    expect(langOf(html)).toBe('en');
    expect(html).toContain('<h1>Sign in to Gatehouse</h1>');
  });

  it('answers a wrong password in the language of next, focusing the password field', async () => {
    const browser = new Browser();
    const { form } = await loginPage(browser, '/?ui_locales=de');
    const response = await browser.submit(form, { username: person.username, password: 'not the password' });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<p class="error" id="login_error" role="alert">Benutzername oder Passwort ist falsch.</p>');
    expect(html).toMatch(/name="password" autocomplete="current-password" aria-describedby="login_error" required autofocus>/);
  });

  it('is German from the authorization request to the consent page when the client asks with ui_locales=de', async () => {
    const authorize = new URL(`${provider.baseUrl}/application/o/authorize/`);
    const params = { client_id: 'es-client', redirect_uri: callback, response_type: 'code', scope: 'openid profile', state: 's', ui_locales: 'de' };
    for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value);
    const { pagesSeen, htmlSeen, callback: returned } = await new Browser().signInAndConsent(authorize.href, callback, person);
    expect(pagesSeen).toEqual(['login', 'consent']);
    expect(htmlSeen.map(langOf)).toEqual(['de', 'de']);
    expect(htmlSeen[1]).toContain('<li>Sie anmelden</li><li>Ihren Namen, Benutzernamen und Ihre Gruppen</li>');
    expect(returned.searchParams.has('code')).toBe(true);
  });
});

describe('the home and not-found pages', () => {
  it('follow Accept-Language', async () => {
    const home = await (await new Browser().request(`${provider.baseUrl}/`, { method: 'GET', headers: german })).text();
    expect(langOf(home)).toBe('de');
    expect(home).toContain('Nicht angemeldet. <a href="/login">Anmelden</a>');
    const missing = await new Browser().request(`${provider.baseUrl}/nowhere`, { method: 'GET', headers: german });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<h1>Nicht gefunden</h1><p>Unter dieser Adresse gibt es keine Seite.</p>');
  });
});

describe('discovery', () => {
  it('advertises the languages the pages speak (OIDC Discovery §3 ui_locales_supported)', async () => {
    const slug = seed.applications![0]!.slug;
    const metadata = (await (await fetch(`${provider.baseUrl}/application/o/${slug}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata['ui_locales_supported']).toEqual(['en', 'de']);
  });
});
