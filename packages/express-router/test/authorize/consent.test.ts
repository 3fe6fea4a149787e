// The consent page of an explicit-consent application and its CSRF-protected form (DESIGN.md §6).
import {
  authorize,
  clients,
  codeRequest,
  consentPath,
  cookiesOf,
  exchangeCode,
  hiddenInputs,
  jsonOf,
  locationOf,
  otherUser,
  postForm,
  startTestServer,
  testUser,
  type Params,
  type TestServer,
} from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

interface ConsentPage {
  readonly res: Response;
  readonly html: string;
  readonly csrfCookie: string;
  readonly interaction: string;
  readonly csrfToken: string;
}

/** Opens the consent page of the explicit-consent client as the test user. */
async function openConsentPage(extra: Params = {}): Promise<ConsentPage> {
  const res = await authorize(t, codeRequest(clients.explicit, extra), { user: testUser.id });
  const html = await res.text();
  const inputs = hiddenInputs(html);
  return { res, html, csrfCookie: cookiesOf(res)['gatehouse-csrf']!, interaction: inputs['interaction']!, csrfToken: inputs['csrf_token']! };
}

/** Submits the consent form with the browser's CSRF cookie. */
function submitConsent(page: ConsentPage, form: Params, options: { user?: string; cookie?: string | null } = {}): Promise<Response> {
  const cookie = options.cookie === undefined ? `gatehouse-csrf=${page.csrfCookie}` : options.cookie;
  return postForm(t, consentPath, form, {
    user: options.user ?? testUser.id,
    headers: cookie === null ? {} : { cookie },
  });
}

const answer = (page: ConsentPage, decision: string): Params => ({
  interaction: page.interaction,
  csrf_token: page.csrfToken,
  decision,
});

async function expectErrorPage(res: Response, error: string, description: string): Promise<void> {
  const html = await res.text();
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html).toContain(description);
  expect(html).toContain(`error: ${error} · request id: ${res.headers.get('x-request-id')}`);
}

describe('consent page', () => {
  it('shows a form with the interaction, a CSRF token matching the cookie and allow/deny buttons', async () => {
    const page = await openConsentPage();
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.res.headers.get('cache-control')).toBe('no-store');
    expect(page.res.headers.get('x-frame-options')).toBe('DENY');
    expect(page.res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.html).toContain(`<form method="post" action="${consentPath}">`);
    expect(page.interaction).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.csrfCookie).toBe(page.csrfToken);
    expect(page.html).toContain('<button class="primary" type="submit" name="decision" value="allow">');
    expect(page.html).toContain('<button type="submit" name="decision" value="deny">');
    expect(page.html).toContain('App explicit');
    expect(page.html).toContain('<li>Your email address</li>');
  });

  it('sets the CSRF cookie HttpOnly and SameSite=Lax', async () => {
    const { res } = await openConsentPage();
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^gatehouse-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('reuses the CSRF cookie the browser already has', async () => {
    const first = await openConsentPage();
    const res = await authorize(t, codeRequest(clients.explicit), { user: testUser.id, headers: { cookie: `gatehouse-csrf=${first.csrfCookie}` } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(hiddenInputs(await res.text())['csrf_token']).toBe(first.csrfCookie);
  });

  it('shows the consent page again on every request of an explicit-consent application', async () => {
    const page = await openConsentPage();
    expect((await submitConsent(page, answer(page, 'allow'))).status).toBe(303);
    const again = await openConsentPage();
    expect(again.res.status).toBe(200);
    expect(again.interaction).not.toBe(page.interaction);
  });
});

describe('consent decision', () => {
  it('redirects with a code, state and iss when the user allows', async () => {
    const page = await openConsentPage({ state: 'st ate' });
    const res = await submitConsent(page, answer(page, 'allow'));
    expect(res.status).toBe(303);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(clients.explicit.redirectUri);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
    expect(location.searchParams.get('state')).toBe('st ate');
    expect(location.searchParams.get('iss')).toBe(t.issuer('explicit'));
  });

  it('issues a code that the token endpoint exchanges', async () => {
    const page = await openConsentPage();
    const code = locationOf(await submitConsent(page, answer(page, 'allow'))).searchParams.get('code')!;
    const res = await exchangeCode(t, clients.explicit, code);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' });
  });

  it('redirects access_denied when the user denies', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, answer(page, 'deny'));
    expect(res.status).toBe(303);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(clients.explicit.redirectUri);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(t.issuer('explicit'));
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('shows an error page when the csrf_token field is missing', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, { interaction: page.interaction, decision: 'allow' });
    await expectErrorPage(res, 'invalid_request', 'the form has expired');
  });

  it('shows an error page when the csrf_token field does not match the cookie', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, { ...answer(page, 'allow'), csrf_token: 'A'.repeat(43) });
    await expectErrorPage(res, 'invalid_request', 'the form has expired');
  });

  it('shows an error page when the CSRF cookie is missing', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, answer(page, 'allow'), { cookie: null });
    await expectErrorPage(res, 'invalid_request', 'the form has expired');
  });

  it('keeps the interaction usable after a CSRF failure', async () => {
    const page = await openConsentPage();
    await submitConsent(page, { ...answer(page, 'allow'), csrf_token: 'A'.repeat(43) });
    expect((await submitConsent(page, answer(page, 'allow'))).status).toBe(303);
  });

  it('shows an error page when the same interaction is answered twice', async () => {
    const page = await openConsentPage();
    expect((await submitConsent(page, answer(page, 'allow'))).status).toBe(303);
    const replay = await submitConsent(page, answer(page, 'allow'));
    await expectErrorPage(replay, 'invalid_request', 'this consent request has expired or was already answered');
  });

  it('shows an error page for an unknown interaction', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, { ...answer(page, 'allow'), interaction: 'B'.repeat(43) });
    await expectErrorPage(res, 'invalid_request', 'this consent request has expired or was already answered');
  });

  it('shows an error page for a decision other than allow or deny', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, answer(page, 'maybe'));
    await expectErrorPage(res, 'invalid_request', 'the consent form is incomplete');
  });

  it('shows an error page when another user answers the interaction', async () => {
    const page = await openConsentPage();
    const res = await submitConsent(page, answer(page, 'allow'), { user: otherUser.id });
    await expectErrorPage(res, 'access_denied', 'this consent request belongs to another session');
  });

  it('answers 405 to a GET of the consent endpoint', async () => {
    const res = await fetch(`${t.baseUrl}${consentPath}`, { redirect: 'manual' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
