// The OIDC UserInfo endpoint (OIDC Core §5.3) with RFC 6750 bearer tokens and challenges.
import { decodeJwt } from 'jose';
import { clients, get, jsonOf, obtainTokens, postForm, startTestServer, testUser, userinfoPath, type TestServer } from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const bearer = (accessToken: string) => ({ headers: { authorization: `Bearer ${accessToken}` } });

/** Asserts a resource error: status, Bearer challenge with the error code, exact JSON body. */
async function expectBearerError(res: Response, status: number, error: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer realm="gatehouse", error="${error}", error_description="[^"]+"$`));
  expect(await jsonOf(res)).toEqual({ error, error_description: expect.any(String), request_id: res.headers.get('x-request-id') });
}

describe('token presentation', () => {
  it('answers the claims for a Bearer token in the Authorization header of a GET', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid' });
    const res = await get(t, userinfoPath, bearer(tokens.access_token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await jsonOf(res)).toEqual({ sub: decodeJwt(tokens.id_token!).sub });
  });

  it('answers the claims for an access_token in the form body of a POST', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid' });
    const res = await postForm(t, userinfoPath, { access_token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ sub: decodeJwt(tokens.id_token!).sub });
  });

  it('answers the claims for a Bearer header on a POST without a body', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid' });
    const res = await fetch(`${t.baseUrl}${userinfoPath}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(200);
  });

  it('refuses a token sent both in the header and in the body with 400 invalid_request', async () => {
    const tokens = await obtainTokens(t, clients.confidential);
    const res = await postForm(t, userinfoPath, { access_token: tokens.access_token }, bearer(tokens.access_token));
    await expectBearerError(res, 400, 'invalid_request');
  });

  it('answers 401 with a Bearer challenge without error details when no token is sent (RFC 6750 §3.1)', async () => {
    const res = await get(t, userinfoPath);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    expect((await jsonOf(res)).error).toBe('invalid_token');
  });

  it('answers 401 invalid_token for a garbage token', async () => {
    await expectBearerError(await get(t, userinfoPath, bearer('garbage')), 401, 'invalid_token');
  });

  it('answers 401 invalid_token for a non-Bearer Authorization header', async () => {
    const res = await get(t, userinfoPath, { headers: { authorization: basicHeader() } });
    await expectBearerError(res, 401, 'invalid_token');
  });

  it('answers 401 invalid_token for a token whose signature was tampered with', async () => {
    const tokens = await obtainTokens(t, clients.confidential);
    const [header, payload] = tokens.access_token.split('.');
    const other = await obtainTokens(t, clients.confidential);
    const forged = `${header}.${payload}.${other.access_token.split('.')[2]}`;
    await expectBearerError(await get(t, userinfoPath, bearer(forged)), 401, 'invalid_token');
  });

  it('answers 401 invalid_token for an ID token presented as access token', async () => {
    const tokens = await obtainTokens(t, clients.confidential);
    await expectBearerError(await get(t, userinfoPath, bearer(tokens.id_token!)), 401, 'invalid_token');
  });

  it('answers 403 insufficient_scope for a token without the openid scope', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'profile email' });
    expect(tokens.scope).toBe('profile email');
    expect(tokens.id_token).toBeUndefined();
    await expectBearerError(await get(t, userinfoPath, bearer(tokens.access_token)), 403, 'insufficient_scope');
  });
});

function basicHeader(): string {
  return `Basic ${Buffer.from(`${clients.confidential.clientId}:${clients.confidential.secret}`).toString('base64')}`;
}

describe('claims', () => {
  it('answers name, preferred_username and groups for the profile scope, without email', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid profile' });
    const res = await get(t, userinfoPath, bearer(tokens.access_token));
    expect(await jsonOf(res)).toEqual({
      sub: decodeJwt(tokens.id_token!).sub,
      name: testUser.name,
      given_name: testUser.name,
      preferred_username: testUser.username,
      nickname: testUser.username,
      groups: [...testUser.groups],
    });
  });

  it('answers email and email_verified for the email scope, without profile claims', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid email' });
    const res = await get(t, userinfoPath, bearer(tokens.access_token));
    expect(await jsonOf(res)).toEqual({
      sub: decodeJwt(tokens.id_token!).sub,
      email: testUser.email,
      email_verified: true,
    });
  });

  it('answers profile and email claims together for both scopes', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid profile email' });
    const body = await jsonOf(await get(t, userinfoPath, bearer(tokens.access_token)));
    expect(Object.keys(body).sort()).toEqual(['email', 'email_verified', 'given_name', 'groups', 'name', 'nickname', 'preferred_username', 'sub']);
  });

  it('answers the same sub as the ID token, a pairwise-looking hash of the user id', async () => {
    const tokens = await obtainTokens(t, clients.confidential, { scope: 'openid' });
    const { sub } = await jsonOf(await get(t, userinfoPath, bearer(tokens.access_token)));
    expect(sub).toMatch(/^[0-9a-f]{64}$/);
    expect(sub).toBe(decodeJwt(tokens.id_token!).sub);
  });
});
