// The authorization endpoint once the client and redirect URI are trusted: errors go back to the
// client with `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207).
import {
  authorize,
  authorizePath,
  clients,
  codeRequest,
  get,
  hiddenInputs,
  locationOf,
  pkcePair,
  postForm,
  redirectUriWithQuery,
  startTestServer,
  testUser,
  type TestServer,
} from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const codeSyntax = /^[A-Za-z0-9_-]{43}$/;

/** Asserts a 302 error redirect to `redirectUri` and returns its query parameters. */
function expectErrorRedirect(res: Response, redirectUri: string, error: string): URLSearchParams {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.has('code')).toBe(false);
  return location.searchParams;
}

describe('error redirects', () => {
  it('redirects unsupported_response_type with state and iss properly URL-encoded', async () => {
    const state = 'a b&c=d e+f/?#%';
    const res = await authorize(t, codeRequest(clients.confidential, { response_type: 'device', state }), { user: testUser.id });
    const params = expectErrorRedirect(res, clients.confidential.redirectUri, 'unsupported_response_type');
    expect([...params.keys()]).toEqual(['error', 'error_description', 'state', 'iss']);
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(t.issuer('confidential'));
    expect(params.get('error_description')).toBe('response_type device is not supported');
    // On the wire: every reserved character of state and iss is percent-encoded.
    const query = res.headers.get('location')!.split('?')[1]!;
    expect(query).toContain(`&${new URLSearchParams({ state })}&`);
    expect(query).toContain('state=a+b%26c%3Dd+e%2Bf%2F%3F%23%25&');
    expect(query).toContain(`iss=${encodeURIComponent(t.issuer('confidential'))}`);
  });

  it('keeps the query parameters of the registered redirect URI on an error redirect', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: redirectUriWithQuery, response_type: 'device' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe('https://client.example.com/cb');
    expect([...location.searchParams]).toEqual([
      ['tenant', 'acme'],
      ['lang', 'en'],
      ['error', 'unsupported_response_type'],
      ['error_description', 'response_type device is not supported'],
      ['state', 'xyz'],
      ['iss', t.issuer('confidential')],
    ]);
  });

  it('keeps the query parameters of the registered redirect URI on a code redirect', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { redirect_uri: redirectUriWithQuery }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(location.searchParams.get('tenant')).toBe('acme');
    expect(location.searchParams.get('lang')).toBe('en');
    expect(location.searchParams.get('code')).toMatch(codeSyntax);
  });

  it('redirects invalid_request for a missing response_type', async () => {
    const { response_type: _omitted, ...params } = codeRequest(clients.confidential);
    const res = await authorize(t, params, { user: testUser.id });
    const query = expectErrorRedirect(res, clients.confidential.redirectUri, 'invalid_request');
    expect(query.get('error_description')).toBe('response_type is required');
    expect(query.get('state')).toBe('xyz');
  });

  it('omits state from an error redirect when the request had none', async () => {
    const { state: _omitted, ...params } = codeRequest(clients.confidential, { response_type: 'device' });
    const query = expectErrorRedirect(await authorize(t, params, { user: testUser.id }), clients.confidential.redirectUri, 'unsupported_response_type');
    expect(query.has('state')).toBe(false);
    expect(query.get('iss')).toBe(t.issuer('confidential'));
  });
});

describe('successful authorization', () => {
  it('redirects with a code, state and iss for a signed-in user on an implicit-consent application', async () => {
    const res = await authorize(t, codeRequest(clients.confidential), { user: testUser.id });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(clients.confidential.redirectUri);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
    expect(location.searchParams.get('code')).toMatch(codeSyntax);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(t.issuer('confidential'));
  });

  it('puts the response in the fragment for response_mode=fragment', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { response_mode: 'fragment', state: 'a b' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${clients.confidential.redirectUri}#code=`)).toBe(true);
    const fragment = new URLSearchParams(location.split('#')[1]);
    expect([...fragment.keys()]).toEqual(['code', 'state', 'iss']);
    expect(fragment.get('state')).toBe('a b');
    expect(fragment.get('iss')).toBe(t.issuer('confidential'));
  });

  it('answers an auto-submitting form to the redirect URI for response_mode=form_post', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { response_mode: 'form_post', state: '"><script>' }), { user: testUser.id });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)?.[1];
    expect(nonce).toBeDefined();
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${clients.confidential.redirectUri}">`);
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).not.toContain('"><script>');
    const inputs = hiddenInputs(html);
    expect(Object.keys(inputs)).toEqual(['code', 'state', 'iss']);
    expect(inputs['code']).toMatch(codeSyntax);
    expect(inputs['state']).toBe('"><script>');
    expect(inputs['iss']).toBe(t.issuer('confidential'));
  });

  it('accepts the authorization request as a POST form and answers 303 with a code', async () => {
    const res = await postForm(t, authorizePath, codeRequest(clients.confidential), { user: testUser.id });
    expect(res.status).toBe(303);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe(clients.confidential.redirectUri);
    expect(location.searchParams.get('code')).toMatch(codeSyntax);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(t.issuer('confidential'));
  });

  it('serves the authorization endpoint without the trailing slash', async () => {
    const res = await fetch(`${t.baseUrl}/application/o/authorize?${new URLSearchParams(codeRequest(clients.confidential))}`, {
      redirect: 'manual',
      headers: { 'x-test-user': testUser.id },
    });
    expect(res.status).toBe(302);
    expect(locationOf(res).searchParams.get('code')).toMatch(codeSyntax);
  });

  it('ignores an unknown extra parameter', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { foo: 'bar', ui_locales: 'de' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(location.searchParams.get('code')).toMatch(codeSyntax);
    expect(location.searchParams.has('foo')).toBe(false);
  });

  it('refuses a repeated parameter with invalid_request', async () => {
    const query = `${new URLSearchParams(codeRequest(clients.confidential))}&scope=email`;
    const res = await authorize(t, query, { user: testUser.id });
    // Repeated parameters are refused while parsing, before the redirect URI can be trusted.
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('parameter scope is repeated');
    expect(html).toContain(`error: invalid_request · request id: ${res.headers.get('x-request-id')}`);
  });

  it('refuses a repeated parameter in a POSTed request with invalid_request', async () => {
    const body = `${new URLSearchParams(codeRequest(clients.confidential))}&state=other`;
    const res = await postForm(t, authorizePath, body, { user: testUser.id });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('error: invalid_request');
  });
});

describe('login and prompt=none', () => {
  it('sends a browser without a session to /login with next set to resume the request, which continues once signed in', async () => {
    const params = codeRequest(clients.confidential, { state: 'a b&c' });
    const res = await authorize(t, params);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    const login = new URL(location, t.baseUrl);
    expect(location.startsWith('/login?')).toBe(true);
    expect([...login.searchParams.keys()]).toEqual(['next']);
    const next = login.searchParams.get('next')!;
    expect(next).toMatch(/^\/application\/o\/authorize\/resume\/\?interaction=[A-Za-z0-9_-]{43}$/);
    const resumed = await get(t, next, { user: testUser.id });
    expect(resumed.status).toBe(302);
    const callback = locationOf(resumed);
    expect(callback.searchParams.get('code')).toMatch(codeSyntax);
    expect(callback.searchParams.get('state')).toBe('a b&c');
    // The interaction is single use.
    expect((await get(t, next, { user: testUser.id })).status).toBe(400);
  });

  it('sends a POSTed request without a session to /login with 303', async () => {
    const params = codeRequest(clients.confidential);
    const res = await postForm(t, authorizePath, params);
    expect(res.status).toBe(303);
    const login = new URL(res.headers.get('location')!, t.baseUrl);
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('next')).toMatch(/^\/application\/o\/authorize\/resume\/\?interaction=/);
  });

  it('passes login_hint on to the login page', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { login_hint: 'alice@example.com' }));
    expect(res.status).toBe(302);
    const login = new URL(res.headers.get('location')!, t.baseUrl);
    expect(login.searchParams.get('login_hint')).toBe('alice@example.com');
  });

  it('redirects login_required for prompt=none without a session', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { prompt: 'none' }));
    const query = expectErrorRedirect(res, clients.confidential.redirectUri, 'login_required');
    expect(query.get('state')).toBe('xyz');
    expect(query.get('iss')).toBe(t.issuer('confidential'));
  });

  it('redirects with a code silently for prompt=none with a session on an implicit-consent application', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { prompt: 'none' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(location.searchParams.get('code')).toMatch(codeSyntax);
    expect(location.searchParams.get('state')).toBe('xyz');
  });

  it('redirects consent_required for prompt=none on an explicit-consent application', async () => {
    const res = await authorize(t, codeRequest(clients.explicit, { prompt: 'none' }), { user: testUser.id });
    const query = expectErrorRedirect(res, clients.explicit.redirectUri, 'consent_required');
    expect(query.get('iss')).toBe(t.issuer('explicit'));
  });

  it('redirects invalid_request for prompt=none combined with another value', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { prompt: 'none login' }), { user: testUser.id });
    expectErrorRedirect(res, clients.confidential.redirectUri, 'invalid_request');
  });

  it('treats a session of an unknown user as no session', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { prompt: 'none' }), { user: 'ghost' });
    expectErrorRedirect(res, clients.confidential.redirectUri, 'login_required');
  });
});

describe('PKCE at the authorization endpoint', () => {
  it('redirects invalid_request for a public client without code_challenge', async () => {
    const res = await authorize(t, codeRequest(clients.public), { user: testUser.id });
    const query = expectErrorRedirect(res, clients.public.redirectUri, 'invalid_request');
    expect(query.get('error_description')).toBe('public clients must send a code_challenge with the S256 method');
    expect(query.get('iss')).toBe(t.issuer('public'));
  });

  it('redirects invalid_request for a public client with a plain code_challenge', async () => {
    const { verifier } = pkcePair();
    const res = await authorize(t, codeRequest(clients.public, { code_challenge: verifier, code_challenge_method: 'plain' }), { user: testUser.id });
    const query = expectErrorRedirect(res, clients.public.redirectUri, 'invalid_request');
    expect(query.get('error_description')).toBe('code_challenge_method must be S256');
  });

  it('redirects invalid_request for a public client whose challenge defaults to plain', async () => {
    const { verifier } = pkcePair();
    const res = await authorize(t, codeRequest(clients.public, { code_challenge: verifier }), { user: testUser.id });
    expectErrorRedirect(res, clients.public.redirectUri, 'invalid_request');
  });

  it('redirects with a code for a public client with an S256 challenge', async () => {
    const { challenge } = pkcePair();
    const res = await authorize(t, codeRequest(clients.public, { code_challenge: challenge, code_challenge_method: 'S256' }), { user: testUser.id });
    expect(res.status).toBe(302);
    expect(locationOf(res).searchParams.get('code')).toMatch(codeSyntax);
  });

  it('redirects invalid_request for an unknown code_challenge_method', async () => {
    const { challenge } = pkcePair();
    const res = await authorize(t, codeRequest(clients.confidential, { code_challenge: challenge, code_challenge_method: 'S512' }), { user: testUser.id });
    expectErrorRedirect(res, clients.confidential.redirectUri, 'invalid_request');
  });
});
