// Parameter values: unknown grant types, values over their length bounds, control characters in
// redirect_uri and state, and malformed escapes in paths. Refused with the right error, on a page
// where the request came from a browser; never a 500, never a redirect no client can read.
import { authorize, clients, codeRequest, jsonOf, locationOf, startTestServer, testUser, tokenPath, type TestServer } from '../fixtures.js';
import { confidentialBasic, expectErrorPage, expectOAuthError, form, post } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('grant_type', () => {
  it.each(['urn:ietf:params:oauth:grant-type:token-exchange', 'implicit', 'AUTHORIZATION_CODE', 'password2', 'x'])('answers %s with 400 unsupported_grant_type', async (grantType) => {
    const res = await post(t, tokenPath, `grant_type=${encodeURIComponent(grantType)}`, { ...form, authorization: confidentialBasic });
    await expectOAuthError(res, 400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  });

  it('answers a missing grant_type with 400 invalid_request', async () => {
    await expectOAuthError(await post(t, tokenPath, 'scope=openid', { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'grant_type is required');
  });

  it('refuses a grant_type longer than any grant type with 400 invalid_request', async () => {
    await expectOAuthError(await post(t, tokenPath, `grant_type=${'g'.repeat(300)}`, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'grant_type is too long');
  });
});

describe('length bounds', () => {
  it.each([
    ['scope', { grant_type: 'client_credentials', scope: 'openid '.repeat(1000) }],
    ['client_id', { grant_type: 'client_credentials', client_id: 'c'.repeat(300), client_secret: 'x' }],
    ['code', { grant_type: 'authorization_code', code: 'c'.repeat(2000) }],
    ['refresh_token', { grant_type: 'refresh_token', refresh_token: 'r'.repeat(5000) }],
  ])('refuses a %s over its bound at the token endpoint', async (name, params) => {
    const headers = 'client_id' in params ? form : { ...form, authorization: confidentialBasic };
    await expectOAuthError(await post(t, tokenPath, new URLSearchParams(params).toString(), headers), 400, 'invalid_request', `${name} is too long`);
  });

  it('shows an error page for a state over 4096 characters: it would be echoed into the redirect', async () => {
    await expectErrorPage(await authorize(t, codeRequest(clients.confidential, { state: 's'.repeat(5000) }), { user: testUser.id }), 400, 'state is too long');
  });

  it('redirects an unsupported response_type of 9 KiB with a bounded description', async () => {
    const res = await authorize(t, codeRequest(clients.confidential, { response_type: 'x'.repeat(9000) }), { user: testUser.id });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')!.length).toBeLessThan(1024);
    expect(locationOf(res).searchParams.get('error')).toBe('invalid_request');
    expect(locationOf(res).searchParams.get('error_description')).toBe('response_type is too long');
  });

  it('bounds every description at 256 characters, also when it quotes the request', async () => {
    const res = await post(t, tokenPath, `grant_type=${'g'.repeat(250)}`, { ...form, authorization: confidentialBasic });
    const body = await jsonOf(res);
    expect(body).toMatchObject({ error: 'unsupported_grant_type' });
    expect(body['error_description']).toHaveLength(256);
    expect(body['error_description']).toMatch(/\.\.\.$/);
  });
});

describe('control characters in redirect_uri and state', () => {
  // The `anything` client registers the regex `.*`: only the syntax check stands between these
  // values and a Location header Node refuses to write (a 500 before the check).
  it.each([
    ['a NUL', 'https://anything.example.net/cb\u0000'],
    ['a line break', 'https://anything.example.net/cb\r\nSet-Cookie: x=1'],
    ['a bell', 'https://anything.example.net/c\u0007b'],
    ['a space', 'https://anything.example.net/c b'],
    ['an emoji (not a URI character)', 'https://anything.example.net/cb/\u{1F600}'],
  ])('shows an error page for %s in redirect_uri, in every response mode', async (_name, redirectUri) => {
    for (const mode of ['query', 'fragment', 'form_post']) {
      const res = await authorize(t, { ...codeRequest(clients.anything, { redirect_uri: redirectUri }), response_mode: mode }, { user: testUser.id });
      await expectErrorPage(res, 400, /redirect_uri has characters that are not allowed|parameter redirect_uri has control characters/);
    }
  });

  it.each([
    ['a NUL', 'a\u0000b', 'parameter state has control characters'],
    ['a line break', 'a\r\nb', 'state has characters that are not allowed'],
    ['a tab', 'a\tb', 'state has characters that are not allowed'],
  ])('shows an error page for %s in state, never redirecting it', async (_name, state, description) => {
    await expectErrorPage(await authorize(t, codeRequest(clients.confidential, { state }), { user: testUser.id }), 400, description);
  });

  it('refuses a line break in post_logout_redirect_uri with an error page', async () => {
    const res = await fetch(`${t.baseUrl}/application/o/confidential/end-session/?${new URLSearchParams({ client_id: clients.confidential.clientId, post_logout_redirect_uri: 'https://client.example.com/bye\n' })}`, { redirect: 'manual' });
    await expectErrorPage(res, 400, 'post_logout_redirect_uri has characters that are not allowed');
  });
});

describe('malformed escapes in paths', () => {
  it.each([
    '/application/o/%zz/.well-known/openid-configuration',
    '/application/o/%ff/jwks/',
    '/application/o/%00/jwks/',
    '/.well-known/openid-configuration/application/o/%c3%28',
  ])('answers %s with the JSON 404 of an unknown application', async (path) => {
    await expectOAuthError(await fetch(`${t.baseUrl}${path}`), 404, 'invalid_request', 'no application with this slug');
  });

  it('answers an end-session path with a malformed slug with its 404 page', async () => {
    await expectErrorPage(await fetch(`${t.baseUrl}/application/o/%e2%82/end-session/`), 404, 'no application with this slug');
  });

  it.each(['/orgs/%ff/members/alice', '/api/v3/orgs/gatehouse/members/%zz'])('answers the GitHub path %s with GitHub\'s JSON 404', async (path) => {
    const res = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: 'token x' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  });
});

describe('the device page', () => {
  // Double-submit CSRF: any well-formed token, as cookie and as field.
  const csrf = 'c'.repeat(43);
  it.each(['GET', 'POST'])('does not carry a user_code of 12 KiB through the login redirect (%s)', async (method) => {
    const userCode = 'openid '.repeat(1800);
    const res =
      method === 'GET'
        ? await fetch(`${t.baseUrl}/device?user_code=${'A'.repeat(12_000)}`, { redirect: 'manual' })
        : await post(t, '/device', new URLSearchParams({ user_code: userCode, csrf_token: csrf }).toString(), { ...form, cookie: `gatehouse-csrf=${csrf}` });
    expect(res.status).toBe(method === 'GET' ? 302 : 303);
    expect(res.headers.get('location')).toBe(`/login?${new URLSearchParams({ next: '/device' })}`);
  });

  it('still carries a real user code', async () => {
    const res = await fetch(`${t.baseUrl}/device?user_code=BCDF-GHJK`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe(`/login?${new URLSearchParams({ next: '/device?user_code=BCDF-GHJK' })}`);
  });
});
