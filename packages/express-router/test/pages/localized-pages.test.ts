// The pages in the user's language: the authorization request's ui_locales (OIDC Core §3.1.2.1),
// carried through the login hand-off and every form, else the browser's Accept-Language, else
// English. Built-in scope descriptions are translated; configured ones are shown as configured.
import { declarativeScopeMapping } from '@gatehouse/core';
import { makeUser } from '@gatehouse/core/testing';
import {
  authorize,
  clients,
  codeRequest,
  consentFormOf,
  consentPath,
  customClient,
  get,
  hiddenInputs,
  locationOf,
  obtainTokens,
  postForm,
  startTestServer,
  testUser,
  type Params,
  type RequestOptions,
  type TestServer,
} from '../fixtures.js';
import { consentInteractionOf, devicePagePath, openDevicePage, startDevice, submitUserCode, tv } from '../device/device.fixtures.js';
import { confirmationFormOf, confirmPath, endSession } from '../logout/logout.fixtures.js';

const permanent = customClient('pages-permanent', { name: 'Wiki & Co', consent: 'permanent', scopes: ['openid', 'profile', 'email', 'offline_access', 'roles'] });
const german = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: [permanent.application, tv.application],
    // A configured description (of a new scope, and replacing a built-in one) is not the page's to translate.
    scopeMappings: [
      declarativeScopeMapping('roles', 'Deine Rollen im Wiki', { roles: 'user.groups' }),
      declarativeScopeMapping('email', 'Where we write to you', { email: 'user.email' }),
    ],
  });
});
afterAll(() => t.close());

let users = 0;
async function newUser(): Promise<string> {
  const id = `pages-user-${++users}`;
  await t.stores.users.save(makeUser({ id, username: `reader${users}`, groups: [] }));
  return id;
}

const langOf = (html: string) => html.match(/<html lang="([^"]+)">/)?.[1];
const h1Of = (html: string) => html.match(/<h1>(.*?)<\/h1>/)?.[1];
const consentPage = async (extra: Params, options: RequestOptions = { user: testUser.id }) => consentFormOf(await authorize(t, codeRequest(clients.explicit, extra), options));

describe('the consent page', () => {
  it('speaks the first supported language of ui_locales, translating the built-in scopes', async () => {
    const { html } = await consentPage({ scope: 'openid profile offline_access', ui_locales: 'fr-CA de-AT en' });
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<title>App explicit autorisieren</title>');
    expect(h1Of(html)).toBe('App explicit möchte Sie anmelden');
    expect(html).toContain('Sie melden sich bei App explicit als <strong>alice</strong> an.');
    expect(html).toContain('<h2>Die Anwendung bittet um:</h2><ul><li>Sie anmelden</li><li>Ihren Namen, Benutzernamen und Ihre Gruppen</li><li>Zugriff, während Sie abwesend sind</li></ul>');
    expect(html).toContain('value="allow">Erlauben</button>');
    expect(html).toContain('value="deny">Ablehnen</button>');
    expect(hiddenInputs(html)['ui_locales']).toBe('de');
  });

  it('follows Accept-Language without ui_locales, and ui_locales over Accept-Language', async () => {
    expect(langOf((await consentPage({}, { user: testUser.id, headers: german })).html)).toBe('de');
    const english = await consentPage({ ui_locales: 'en' }, { user: testUser.id, headers: german });
    expect(langOf(english.html)).toBe('en');
    expect(english.html).toContain('<li>Sign you in</li>');
    expect(langOf((await consentPage({ ui_locales: 'ja' })).html)).toBe('en');
  });

  it('shows configured scope descriptions as configured, and marks new scopes in German', async () => {
    const user = await newUser();
    const first = await consentFormOf(await authorize(t, codeRequest(permanent.client, { scope: 'openid roles', ui_locales: 'de' }), { user }));
    const answered = await postForm(t, consentPath, { ...hiddenInputs(first.html), decision: 'allow' }, { user, headers: { cookie: `gatehouse-csrf=${first.csrfCookie}` } });
    expect(locationOf(answered).searchParams.has('code')).toBe(true);
    const { html } = await consentFormOf(await authorize(t, codeRequest(permanent.client, { scope: 'openid roles email', ui_locales: 'de' }), { user }));
    expect(h1Of(html)).toBe('Wiki &amp; Co möchte Sie anmelden');
    expect(html).toContain(
      '<h2>Die Anwendung bittet um zusätzliche Berechtigungen:</h2><ul><li><span class="new">Neu</span> Where we write to you</li></ul>' +
        '<h2>Bereits erlaubt:</h2><ul><li>Sie anmelden</li><li>Deine Rollen im Wiki</li></ul>',
    );
  });

  it('keeps ui_locales through the login hand-off: in next, then on the consent page after login', async () => {
    const res = await authorize(t, codeRequest(clients.explicit, { ui_locales: 'de' }));
    expect(res.status).toBe(302);
    const next = new URL(new URL(res.headers.get('location')!, t.baseUrl).searchParams.get('next')!, t.baseUrl);
    expect(next.pathname).toBe('/application/o/authorize/resume/');
    expect(next.searchParams.get('ui_locales')).toBe('de');
    const { html } = await consentFormOf(await get(t, `${next.pathname}${next.search}`, { user: testUser.id }));
    expect(langOf(html)).toBe('de');
  });

  it('answers a stale form with an error page in the language the form carried', async () => {
    const form = await consentPage({ ui_locales: 'de' });
    const res = await postForm(t, consentPath, { ...hiddenInputs(form.html), csrf_token: 'x'.repeat(43), decision: 'allow' }, { user: testUser.id, headers: { cookie: `gatehouse-csrf=${form.csrfCookie}` } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(langOf(html)).toBe('de');
    expect(h1Of(html)).toBe('Diese Anmeldung kann nicht abgeschlossen werden');
    expect(html).toContain('<p class="error" role="alert">Die Anfrage ist ungültig oder abgelaufen.');
    // The server's own description stays, marked as English for screen readers.
    expect(html).toContain('<p>Details: <span lang="en">the form has expired; start the sign-in again</span></p>');
    expect(html).toMatch(/Fehler: invalid_request · Anfrage-ID: [0-9a-f-]{36}/);
  });
});

describe('the error page of an untrusted request', () => {
  it.each([
    ['ui_locales', { ui_locales: 'de' }, {}],
    ['Accept-Language', {}, german],
  ])('is in German by %s', async (_name, extra, headers) => {
    const res = await authorize(t, codeRequest(clients.explicit, { client_id: 'nobody', ...extra }), { headers });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<title>Anmeldefehler</title>');
    expect(html).toContain('<span lang="en">client_id is not registered</span>');
  });
});

describe('the device pages', () => {
  it('carry ui_locales to the login page and back', async () => {
    const res = await get(t, `${devicePagePath}?user_code=WDJB-MJHT&ui_locales=de`);
    expect(new URL(res.headers.get('location')!, t.baseUrl).searchParams.get('next')).toBe('/device?user_code=WDJB-MJHT&ui_locales=de');
  });

  it('ask for the code in German, with a labelled, described field', async () => {
    const { html } = await openDevicePage(t, testUser.id, '?ui_locales=de');
    expect(langOf(html)).toBe('de');
    expect(h1Of(html)).toBe('Gerät verbinden');
    expect(html).toContain('<label for="user_code">Code</label><input id="user_code" type="text" name="user_code" value="" aria-describedby="user_code_hint"');
    expect(html).toContain('<p class="hint" id="user_code_hint">Acht Buchstaben, zum Beispiel WDJB-MJHT.');
    expect(hiddenInputs(html)['ui_locales']).toBe('de');
  });

  it.each([
    ['an unknown code', 'BBBB-BBBB', 'Dieser Code ist ungültig oder abgelaufen.'],
    ['no code', '', 'Geben Sie den Code ein, der auf Ihrem Gerät angezeigt wird.'],
  ])('explain %s in the language of the form, tied to the field', async (_name, userCode, message) => {
    const browser = await openDevicePage(t, testUser.id, '?ui_locales=de');
    const res = await postForm(t, devicePagePath, { user_code: userCode, csrf_token: browser.csrfToken, ui_locales: 'de' }, browser.options);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain(`<p class="error" id="user_code_error" role="alert">${message}`);
    expect(html).toContain('aria-describedby="user_code_error user_code_hint" aria-invalid="true"');
  });

  it('show the consent and result pages in the browser language', async () => {
    const device = await startDevice(t, tv.client, 'openid email');
    const browser = await openDevicePage(t, testUser.id);
    const options = { ...browser.options, headers: { ...browser.options.headers, ...german } };
    const consent = await consentInteractionOf(await postForm(t, devicePagePath, { user_code: device.user_code, csrf_token: browser.csrfToken }, options));
    expect(langOf(consent.html)).toBe('de');
    expect(consent.html).toContain('<li>Sie anmelden</li><li>Where we write to you</li>');
    const done = await postForm(t, '/device/consent/', { ...hiddenInputs(consent.html), decision: 'allow' }, browser.options);
    const html = await done.text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<h1>Gerät verbunden</h1><p>Living Room TV hat jetzt Zugriff.');
  });

  it('are English by default', async () => {
    const browser = await openDevicePage(t);
    expect(langOf(browser.html)).toBe('en');
    const html = await (await submitUserCode(t, browser, 'BBBB-BBBB')).text();
    expect(html).toContain('This code is not valid or has expired.');
  });
});

describe('the logout pages', () => {
  it('confirm and sign out in the language of ui_locales', async () => {
    const res = await endSession(t, clients.confidential.slug, { ui_locales: 'de' }, { user: testUser.id, sessionId: 'pages-session-1' });
    const form = await confirmationFormOf(res);
    expect(langOf(form.html)).toBe('de');
    expect(form.html).toContain('<h1>Abmelden?</h1><p>App confidential möchte Ihre Sitzung beenden. Sie sind als <strong>alice</strong> angemeldet.</p>');
    expect(form.html).toContain('value="allow">Abmelden</button>');
    expect(form.html).toContain('value="deny">Angemeldet bleiben</button>');
    const signedOut = await postForm(t, confirmPath(clients.confidential.slug), { ...hiddenInputs(form.html), decision: 'allow' }, {
      user: testUser.id,
      sessionId: 'pages-session-1',
      headers: { cookie: `gatehouse-csrf=${form.csrfCookie}` },
    });
    const html = await signedOut.text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain('<h1>Sie wurden abgemeldet</h1><p>Ihre Sitzung wurde beendet. Kehren Sie zu App confidential zurück, um sich erneut anzumelden.</p>');
  });

  it('refuse an untrusted request with a sign-out error page in German', async () => {
    const tokens = await obtainTokens(t, clients.other);
    const res = await endSession(t, clients.confidential.slug, { id_token_hint: tokens.id_token!, ui_locales: 'de' }, { user: testUser.id });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(langOf(html)).toBe('de');
    expect(h1Of(html)).toBe('Diese Abmeldung kann nicht abgeschlossen werden');
  });
});
