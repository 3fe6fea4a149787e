// POST /login/oauth/access_token: form or JSON bodies, Basic or body credentials, form-encoded
// answers unless JSON is asked for, and GitHub's errors with HTTP 200 (behaviour spec §6 [exceed]).
import { decodeJwt } from 'jose';
import { testUser, type TestServer } from '../fixtures.js';
import { credentials, githubCode, githubTokenRequest, hub, hubTwo, startGithubServer } from './github.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startGithubServer();
});
afterAll(() => t.close());

const troubleshooting = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';
const formType = 'application/x-www-form-urlencoded; charset=utf-8';
const jsonType = 'application/json; charset=utf-8';

async function formOf(res: Response): Promise<Record<string, string>> {
  expect(res.headers.get('content-type')).toBe(formType);
  return Object.fromEntries(new URLSearchParams(await res.text()));
}

async function jsonBodyOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toBe(jsonType);
  return (await res.json()) as Record<string, unknown>;
}

describe('successful exchanges', () => {
  it('answers a form request with Basic credentials form-encoded by default', async () => {
    const code = await githubCode(t, hub.client, { scope: 'user:email,read:org' });
    const res = await githubTokenRequest(t, { code }, { basic: hub.client });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await formOf(res);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'user:email,read:org', expires_in: '3600' });
    expect(decodeJwt(body['access_token']!)).toMatchObject({ client_id: hub.client.clientId, scope: 'user:email read:org' });
  });

  it('answers a JSON request with body credentials in JSON when asked', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const res = await githubTokenRequest(t, { code, ...credentials(hub.client) }, { json: true, accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(await jsonBodyOf(res)).toEqual({ access_token: expect.any(String), token_type: 'bearer', scope: 'read:user', expires_in: 3600 });
  });

  it('answers a JSON request form-encoded when JSON is not asked for', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const body = await formOf(await githubTokenRequest(t, { code, ...credentials(hub.client) }, { json: true }));
    expect(body['token_type']).toBe('bearer');
  });

  it('answers in JSON for a vendor JSON media type (application/vnd.github+json)', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const res = await githubTokenRequest(t, { code, ...credentials(hub.client) }, { accept: 'application/vnd.github+json' });
    expect((await jsonBodyOf(res))['token_type']).toBe('bearer');
  });

  it('sends scope even when nothing was granted', async () => {
    const code = await githubCode(t, hub.client, { scope: 'repo' });
    expect(await formOf(await githubTokenRequest(t, { code }, { basic: hub.client }))).toMatchObject({ scope: '' });
  });

  it('takes the parameters from the query string when the body is empty', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const res = await githubTokenRequest(t, {}, { query: { code, ...credentials(hub.client) }, accept: 'application/json' });
    expect((await jsonBodyOf(res))['scope']).toBe('read:user');
  });

  it('exchanges the code for the signed-in user', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const body = await jsonBodyOf(await githubTokenRequest(t, { code, grant_type: 'authorization_code', ...credentials(hub.client) }, { accept: 'application/json' }));
    const { inspectAccessToken } = t.server;
    expect((await inspectAccessToken({ token: String(body['access_token']), requestId: 'r' })).user.id).toBe(testUser.id);
  });
});

describe('errors, GitHub style (HTTP 200)', () => {
  it.each([
    ['JSON', 'application/json'],
    ['form', undefined],
  ])('an unknown code is bad_verification_code (%s)', async (format, accept) => {
    const res = await githubTokenRequest(t, { code: 'not-a-code', ...credentials(hub.client) }, accept === undefined ? {} : { accept });
    expect(res.status).toBe(200);
    const body = format === 'JSON' ? await jsonBodyOf(res) : await formOf(res);
    expect(body).toEqual({ error: 'bad_verification_code', error_description: 'the authorization code is invalid or has expired', error_uri: `${troubleshooting}#bad-verification-code` });
  });

  it('a replayed code is bad_verification_code', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    await githubTokenRequest(t, { code, ...credentials(hub.client) });
    const body = await formOf(await githubTokenRequest(t, { code, ...credentials(hub.client) }));
    expect(body).toMatchObject({ error: 'bad_verification_code', error_description: 'the authorization code was already used' });
  });

  it.each([
    ['a wrong secret in the body', { client_secret: 'wrong' }, {}],
    ['a wrong secret in Basic', {}, { basic: { ...hub.client, secret: 'wrong' } }],
    ['an unknown client', { client_id: 'nobody', client_secret: 'x' }, {}],
  ])('%s is incorrect_client_credentials', async (_, body, call) => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const params = 'basic' in call ? { code } : { code, ...credentials(hub.client), ...body };
    const res = await githubTokenRequest(t, params, { ...call, accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await jsonBodyOf(res)).toEqual({ error: 'incorrect_client_credentials', error_description: expect.any(String), error_uri: `${troubleshooting}#incorrect-client-credentials` });
  });

  it('a redirect_uri other than the authorization request\'s is redirect_uri_mismatch', async () => {
    const code = await githubCode(t, hubTwo.client, { redirect_uri: 'https://hub-two.example.com/cb' });
    const res = await githubTokenRequest(t, { code, redirect_uri: 'https://hub-two.example.com/other', ...credentials(hubTwo.client) }, { accept: 'application/json' });
    expect(await jsonBodyOf(res)).toEqual({
      error: 'redirect_uri_mismatch',
      error_description: 'redirect_uri does not match the one of the authorization request',
      error_uri: `${troubleshooting}#redirect-uri-mismatch2`,
    });
  });

  it('a left-out redirect_uri the authorization request named is redirect_uri_mismatch', async () => {
    const code = await githubCode(t, hubTwo.client, { redirect_uri: 'https://hub-two.example.com/cb' });
    const body = await formOf(await githubTokenRequest(t, { code, ...credentials(hubTwo.client) }));
    expect(body['error']).toBe('redirect_uri_mismatch');
  });

  it('keeps the OAuth code of other errors (malformed JSON is invalid_request)', async () => {
    const res = await fetch(`${t.baseUrl}/login/oauth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"code":' });
    expect(res.status).toBe(200);
    expect(await jsonBodyOf(res)).toEqual({ error: 'invalid_request', error_description: 'the request body is not valid JSON', error_uri: troubleshooting });
  });

  it('refuses credentials sent both in Basic and in the body', async () => {
    const code = await githubCode(t, hub.client, { scope: 'read:user' });
    const body = await formOf(await githubTokenRequest(t, { code, ...credentials(hub.client) }, { basic: hub.client }));
    expect(body['error']).toBe('invalid_request');
  });

  it('answers GET with 405 (POST only)', async () => {
    const res = await fetch(`${t.baseUrl}/login/oauth/access_token`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
