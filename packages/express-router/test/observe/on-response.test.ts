// The router's `onResponse`: one record per request it answers, on node:http (serveApi) and in
// Express (pages), with a stable endpoint name, the status and outcome the client saw, the client
// and grant type the request named, and its duration; nothing for paths it does not own.
import type { RequestRecord } from '../../src/index.js';
import { api, githubTokenRequest } from '../github/github.fixtures.js';
import {
  authorize,
  basicAuthorization,
  clients,
  codeRequest,
  get,
  postForm,
  startTestServer,
  testUser,
  tokenPath,
  tokenRequest,
  type TestServer,
} from '../fixtures.js';

const records: RequestRecord[] = [];
const observe = (record: RequestRecord) => void records.push(record);
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ onResponse: observe });
});
afterAll(() => t.close());

/** The records of the response `res`, by its X-Request-Id (the observer runs right after the response is written). */
async function recordsOf(res: Response): Promise<RequestRecord[]> {
  await res.arrayBuffer();
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toEqual(expect.any(String));
  for (let waited = 0; waited < 100 && !records.some((record) => record.requestId === requestId); waited++) await new Promise((resolve) => setTimeout(resolve, 10));
  return records.filter((record) => record.requestId === requestId);
}

const recordOf = async (res: Response): Promise<RequestRecord> => {
  const found = await recordsOf(res);
  expect(found).toHaveLength(1);
  return found[0]!;
};

const { confidential } = clients;

describe('onResponse', () => {
  it('records a token request: endpoint, status, ok, the client, the grant type and a duration', async () => {
    const res = await tokenRequest(t, confidential, { grant_type: 'client_credentials', scope: 'profile' });
    expect(res.status).toBe(200);
    const record = await recordOf(res);
    expect(record).toEqual({
      requestId: res.headers.get('x-request-id'),
      method: 'POST',
      endpoint: 'token',
      status: 200,
      outcome: 'ok',
      clientId: confidential.clientId,
      grantType: 'client_credentials',
      durationMs: expect.any(Number),
    });
    expect(record.durationMs).toBeGreaterThan(0);
    expect(record.durationMs).toBeLessThan(5_000);
  });

  it.each([
    ['a wrong secret', { authorization: basicAuthorization(confidential.clientId, 'wrong') }, { grant_type: 'client_credentials' }, 401, 'invalid_client'],
    ['an unknown code', { authorization: basicAuthorization(confidential.clientId, confidential.secret) }, { grant_type: 'authorization_code', code: 'nope', redirect_uri: confidential.redirectUri }, 400, 'invalid_grant'],
    ['an unsupported grant', { authorization: basicAuthorization(confidential.clientId, confidential.secret) }, { grant_type: 'urn:example:magic' }, 400, 'unsupported_grant_type'],
  ])('records %s with the OAuth error code the client received', async (_case, headers, body, status, error) => {
    const res = await postForm(t, tokenPath, body, { headers });
    expect(res.status).toBe(status);
    expect(await recordOf(res)).toMatchObject({ endpoint: 'token', status, outcome: error, clientId: confidential.clientId, grantType: body.grant_type });
  });

  it('records a refusal by the rate limit as rate_limited', async () => {
    const limitedServer = await startTestServer({ rateLimits: { token: { points: 1, durationSeconds: 60 } }, onResponse: observe });
    try {
      const request = () => tokenRequest(limitedServer, confidential, { grant_type: 'client_credentials' });
      expect((await recordOf(await request())).outcome).toBe('ok');
      const refused = await request();
      expect(refused.status).toBe(429);
      expect(await recordOf(refused)).toMatchObject({ endpoint: 'token', status: 429, outcome: 'rate_limited', clientId: confidential.clientId });
    } finally {
      await limitedServer.close();
    }
  });

  it('names introspection, revocation, device authorization, userinfo, discovery and JWKS by route, not by path', async () => {
    const auth = { headers: { authorization: basicAuthorization(confidential.clientId, confidential.secret) } };
    const cases: [Promise<Response>, Partial<RequestRecord>][] = [
      [postForm(t, '/application/o/introspect/', { token: 'not-a-token' }, auth), { endpoint: 'introspection', status: 200, outcome: 'ok', clientId: confidential.clientId }],
      [postForm(t, '/application/o/revoke/', { token: 'not-a-token' }, auth), { endpoint: 'revocation', status: 200, outcome: 'ok', clientId: confidential.clientId }],
      [postForm(t, '/application/o/device/', {}, auth), { endpoint: 'device_authorization', clientId: confidential.clientId }],
      [get(t, '/application/o/userinfo/', { headers: { authorization: 'Bearer not-a-token' } }), { endpoint: 'userinfo', status: 401, outcome: 'invalid_token' }],
      [get(t, '/application/o/confidential/.well-known/openid-configuration'), { endpoint: 'discovery', status: 200, outcome: 'ok', method: 'GET' }],
      [get(t, '/.well-known/oauth-authorization-server/application/o/confidential'), { endpoint: 'discovery', status: 200 }],
      [get(t, '/application/o/no-such-app/jwks/'), { endpoint: 'jwks', status: 404, outcome: 'invalid_request' }],
      [get(t, tokenPath), { endpoint: 'token', method: 'GET', status: 405, outcome: 'invalid_request' }],
    ];
    for (const [response, expected] of cases) expect(await recordOf(await response)).toMatchObject(expected);
  });

  it('records browser pages answered in Express once each: a redirect with a code, an error redirected to the client, an error page', async () => {
    const signedIn = await authorize(t, codeRequest(confidential), { user: testUser.id });
    expect(signedIn.status).toBe(302);
    expect(await recordOf(signedIn)).toMatchObject({ endpoint: 'authorize', method: 'GET', status: 302, outcome: 'ok', clientId: confidential.clientId });

    // prompt=none without a session: login_required goes back to the client (OIDC Core §3.1.2.6).
    const silent = await authorize(t, codeRequest(confidential, { prompt: 'none' }));
    expect(new URL(silent.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    expect(await recordOf(silent)).toMatchObject({ endpoint: 'authorize', status: 302, outcome: 'login_required', clientId: confidential.clientId });

    const unknown = await authorize(t, codeRequest(confidential, { client_id: 'nobody' }), { user: testUser.id });
    expect(unknown.status).toBe(400);
    const record = await recordOf(unknown);
    expect(record).toMatchObject({ endpoint: 'authorize', status: 400, clientId: 'nobody' });
    expect(record.outcome).toMatch(/^invalid_/);
  });

  it('records the GitHub routes with the RFC 6750 outcome and their own names', async () => {
    expect(await recordOf(await api(t, '/user', 'bogus-token'))).toMatchObject({ endpoint: 'github_user', status: 401, outcome: 'invalid_token' });
    expect(await recordOf(await api(t, '/api/v3/user/emails'))).toMatchObject({ endpoint: 'github_emails', status: 401, outcome: 'invalid_request' });
    expect(await recordOf(await api(t, '/api/v3/repos/acme/widgets'))).toMatchObject({ endpoint: 'github_not_found', status: 404, outcome: 'not_found' });
    // GitHub answers token errors with 200; the outcome still says what went wrong.
    const res = await githubTokenRequest(t, { code: 'nope', client_id: confidential.clientId, client_secret: confidential.secret }, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(await recordOf(res)).toMatchObject({ endpoint: 'github_token', status: 200, outcome: 'invalid_grant', clientId: confidential.clientId, grantType: 'authorization_code' });
  });

  it('records nothing for paths the router does not own', async () => {
    const before = records.length;
    const res = await get(t, '/not-a-gatehouse-path');
    await res.arrayBuffer();
    expect(res.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(records.length).toBe(before);
  });

  it('answers normally when the observer throws', async () => {
    const failing = await startTestServer({ onResponse: () => { throw new Error('observer broke'); } });
    try {
      const res = await tokenRequest(failing, confidential, { grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect((await res.json()) as unknown).toMatchObject({ access_token: expect.any(String) });
    } finally {
      await failing.close();
    }
  });
});
