// Errors before the client and its redirect URI are trusted are shown as a page, never redirected
// (RFC 6749 §4.1.2.1, DESIGN.md §7).
import {
  authorize,
  clients,
  codeRequest,
  locationOf,
  logoutUri,
  makeApplication,
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

/** Asserts the 400 error page: HTML, no redirect, the request id in header and page. */
async function expectErrorPage(res: Response, error: string, description: string): Promise<void> {
  const html = await res.text();
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(html).toContain(`error: ${error} · request id: ${requestId}`);
  expect(html).toContain(description);
  expect(html).not.toContain('code=');
}

/** A signed-in authorization request of the regex client for `redirectUri`. */
const regexRequest = (redirectUri: string) =>
  authorize(t, codeRequest(clients.regex, { redirect_uri: redirectUri }), { user: testUser.id });

async function expectCodeRedirect(res: Response, redirectUri: string): Promise<void> {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(new URL(redirectUri).href.replace(/\?.*$/, ''));
  expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
}

describe('client identification', () => {
  it('shows an error page for an unknown client_id', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { client_id: 'nobody' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_client', 'client_id is not registered');
  });

  it('shows an error page for a missing client_id', async () => {
    const { client_id: _omitted, ...params } = codeRequest(clients.confidential);
    const res = await authorize(t, params, { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'client_id is required');
  });

  it('shows an error page for an unknown client_id even without a user session', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { client_id: 'nobody' }));
    await expectErrorPage(res, 'invalid_client', 'client_id is not registered');
  });
});

describe('redirect URI validation', () => {
  it('shows an error page for a missing redirect_uri', async () => {
    const { redirect_uri: _omitted, ...params } = codeRequest(clients.confidential);
    await expectErrorPage(await authorize(t, params, { user: testUser.id }), 'invalid_request', 'redirect_uri is required');
  });

  it('shows an error page for an unregistered redirect_uri', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: 'https://attacker.example/cb' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('shows an error page for a registered URI with an extra path segment (strict match)', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: `${clients.confidential.redirectUri}/x` }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('shows an error page for a logout redirect URI used for authorization', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: logoutUri }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('shows an error page for a javascript: redirect_uri', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: 'javascript:alert(document.domain)' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri uses a forbidden scheme');
  });

  it('shows an error page for a data: redirect_uri', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: 'data:text/html,<script>alert(1)</script>' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri uses a forbidden scheme');
  });

  it('refuses a data: redirect_uri even when a .* regex entry matches it', async () => {
    const res = await authorize(t, codeRequest(clients.anything, { redirect_uri: 'data:text/html,<script>alert(1)</script>' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri uses a forbidden scheme');
  });

  it('refuses a javascript: redirect_uri even when a .* regex entry matches it', async () => {
    const res = await authorize(t, codeRequest(clients.anything, { redirect_uri: 'JavaScript:alert(1)' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri uses a forbidden scheme');
  });

  it('refuses a redirect_uri with a fragment', async () => {
    const res = await authorize(t, codeRequest(clients.anything, { redirect_uri: 'https://anything.example.net/cb#frag' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri must not contain a fragment');
  });

  it('shows the error page, not a redirect, when the redirect_uri is bad and the request has other errors too', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: 'https://attacker.example/cb', response_type: 'token' }), { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri is not registered for this client');
  });
});

describe('regex redirect URIs', () => {
  it('anchors regex entries: http://local.invalid? does not match http://localhost', async () => {
    await expectErrorPage(await regexRequest('http://localhost'), 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('anchors regex entries at the start: a matching URI inside another URI is refused', async () => {
    // Unanchored, https://.*\.example\.com/cb would be found inside this URI.
    const res = await regexRequest('http://attacker.test/https://a.example.com/cb');
    await expectErrorPage(res, 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('accepts a URI that the regex http://local.invalid? matches in full', async () => {
    await expectCodeRedirect(await regexRequest('http://local.invalid'), 'http://local.invalid');
  });

  it('skips an invalid regex entry without failing the request', async () => {
    // '+' does not compile; the lookup has to step over it and refuse a URI nothing else matches.
    await expectErrorPage(await regexRequest('https://nothing.test/cb'), 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('accepts https://a.example.com/cb with the regex https://.*\\.example\\.com/cb', async () => {
    await expectCodeRedirect(await regexRequest('https://a.example.com/cb'), 'https://a.example.com/cb');
  });

  it('refuses https://a.example.com/cb/x: the regex is anchored at the end', async () => {
    await expectErrorPage(await regexRequest('https://a.example.com/cb/x'), 'invalid_request', 'redirect_uri is not registered for this client');
  });

  it('refuses https://a.example.com/cb?x=1: the query is part of the match', async () => {
    await expectErrorPage(await regexRequest('https://a.example.com/cb?x=1'), 'invalid_request', 'redirect_uri is not registered for this client');
  });
});

describe('first-use redirect URI registration', () => {
  it('stores the first redirect URI exactly as a strict entry and refuses another one afterwards', async () => {
    await t.stores.applications.save(makeApplication({ id: 'app-first-use', slug: 'first-use', clientId: 'first-use-client' }));
    const first = 'https://first.example.com/cb?tenant=a.b';
    const request = (redirectUri: string): Params => ({
      response_type: 'code',
      client_id: 'first-use-client',
      redirect_uri: redirectUri,
      scope: 'openid',
    });

    await expectCodeRedirect(await authorize(t, request(first), { user: testUser.id }), first);
    const stored = await t.stores.applications.findByClientId('first-use-client');
    expect(stored?.redirectUris).toEqual([{ matchingMode: 'strict', url: first, type: 'authorization' }]);

    // Stored strictly: a '.' in the registered URI is not a regex wildcard.
    await expectErrorPage(
      await authorize(t, request('https://first.example.com/cb?tenant=aXb'), { user: testUser.id }),
      'invalid_request',
      'redirect_uri is not registered for this client',
    );
    await expectErrorPage(
      await authorize(t, request('https://second.example.com/cb'), { user: testUser.id }),
      'invalid_request',
      'redirect_uri is not registered for this client',
    );
    expect((await t.stores.applications.findByClientId('first-use-client'))?.redirectUris).toHaveLength(1);
  });

  it('does not register a forbidden-scheme URI on first use', async () => {
    await t.stores.applications.save(makeApplication({ id: 'app-first-use-js', slug: 'first-use-js', clientId: 'first-use-js-client' }));
    const res = await authorize(t, { response_type: 'code', client_id: 'first-use-js-client', redirect_uri: 'javascript:alert(1)' }, { user: testUser.id });
    await expectErrorPage(res, 'invalid_request', 'redirect_uri uses a forbidden scheme');
    expect((await t.stores.applications.findByClientId('first-use-js-client'))?.redirectUris).toEqual([]);
  });
});
