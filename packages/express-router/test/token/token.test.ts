// The token endpoint's HTTP contract: client authentication (RFC 6749 §2.3), request parsing and
// the one error body of Gatehouse (RFC 6749 §5.2 plus request_id).
import {
  basicAuthorization,
  clients,
  exchangeCode,
  jsonOf,
  obtainCode,
  postForm,
  startTestServer,
  tokenPath,
  type TestServer,
} from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/** Asserts an error response of the token endpoint and its exact body. */
async function expectTokenError(res: Response, status: number, error: string, description?: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const body = await jsonOf(res);
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description', 'request_id']);
  expect(body).toEqual({ error, error_description: description ?? expect.any(String), request_id: requestId });
}

/** Asserts a successful token response with an ID token. */
async function expectTokens(res: Response, scope = 'openid profile email'): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  const body = await jsonOf(res);
  expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
  expect(body).toEqual({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    token_type: 'Bearer',
    expires_in: 3600,
    scope,
    id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
  });
}

const codeGrant = (code: string, redirectUri = clients.confidential.redirectUri) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: redirectUri,
});

describe('client authentication', () => {
  it('exchanges a code with client_secret_basic', async () => {
    const code = await obtainCode(t, clients.confidential);
    await expectTokens(await exchangeCode(t, clients.confidential, code, {}, 'basic'));
  });

  it('exchanges a code with client_secret_post', async () => {
    const code = await obtainCode(t, clients.confidential);
    await expectTokens(await exchangeCode(t, clients.confidential, code, {}, 'post'));
  });

  it('percent-decodes the client id and secret of Basic credentials', async () => {
    const { special } = clients;
    const code = await obtainCode(t, special);
    const authorization = `Basic ${Buffer.from('client%2Fid:secret%2B%2F%3D%3D').toString('base64')}`;
    expect(basicAuthorization(special.clientId, special.secret)).toBe(authorization);
    const res = await postForm(t, tokenPath, codeGrant(code, special.redirectUri), { headers: { authorization } });
    await expectTokens(res);
  });

  it('accepts Basic credentials whose client did not form-encode them', async () => {
    const { special } = clients;
    const code = await obtainCode(t, special);
    const authorization = `Basic ${Buffer.from(`${special.clientId}:${special.secret}`).toString('base64')}`;
    await expectTokens(await postForm(t, tokenPath, codeGrant(code, special.redirectUri), { headers: { authorization } }));
  });

  it('accepts a client_id in the body that repeats the one of the Basic credentials', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, { ...codeGrant(code), client_id: clients.confidential.clientId }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokens(res);
  });

  it('refuses Basic credentials together with a client_secret in the body with invalid_request', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, { ...codeGrant(code), client_secret: clients.confidential.secret }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'invalid_request', 'client credentials sent both in the header and in the body');
  });

  it('refuses a body client_id that differs from the Basic credentials with invalid_request', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, { ...codeGrant(code), client_id: clients.other.clientId }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'invalid_request', 'client_id in the body does not match the Authorization header');
  });

  it('answers 401 invalid_client with a WWW-Authenticate challenge for a wrong Basic secret', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, codeGrant(code), {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, 'wrong-secret') },
    });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
    await expectTokenError(res, 401, 'invalid_client', 'client authentication failed');
  });

  it('answers 401 invalid_client for a wrong client_secret in the body', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, { ...codeGrant(code), client_id: clients.confidential.clientId, client_secret: 'wrong-secret' });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gatehouse", charset="UTF-8"');
    await expectTokenError(res, 401, 'invalid_client', 'client authentication failed');
  });

  it('answers 401 invalid_client for an unknown client', async () => {
    const res = await postForm(t, tokenPath, codeGrant('x'), { headers: { authorization: basicAuthorization('nobody', 'secret') } });
    await expectTokenError(res, 401, 'invalid_client', 'client authentication failed');
  });

  it('answers 401 invalid_client when a confidential client sends no secret', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await postForm(t, tokenPath, { ...codeGrant(code), client_id: clients.confidential.clientId });
    await expectTokenError(res, 401, 'invalid_client', 'client authentication is required');
  });

  it('answers 401 invalid_client when no client is identified at all', async () => {
    const res = await postForm(t, tokenPath, codeGrant('x'));
    await expectTokenError(res, 401, 'invalid_client', 'client authentication is required');
  });

  it('answers 401 invalid_client for a malformed Basic header', async () => {
    const res = await postForm(t, tokenPath, codeGrant('x'), { headers: { authorization: 'Basic not base64!' } });
    await expectTokenError(res, 401, 'invalid_client', 'the Authorization header is not valid Basic credentials');
  });
});

describe('request parsing', () => {
  it('answers unsupported_grant_type for an unknown grant_type', async () => {
    const res = await postForm(t, tokenPath, { grant_type: 'urn:example:unknown' }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'unsupported_grant_type', 'grant_type urn:example:unknown is not supported');
  });

  it('answers invalid_request for a missing grant_type', async () => {
    const res = await postForm(t, tokenPath, { code: 'x' }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'invalid_request', 'grant_type is required');
  });

  it('answers invalid_request for a body that is not application/x-www-form-urlencoded', async () => {
    const res = await fetch(`${t.baseUrl}${tokenPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret),
      },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    await expectTokenError(res, 400, 'invalid_request', 'the request body must be application/x-www-form-urlencoded');
  });

  it('answers invalid_request for a repeated parameter', async () => {
    const res = await postForm(t, tokenPath, 'grant_type=authorization_code&code=a&code=b', {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'invalid_request', 'parameter code is repeated');
  });

  it('answers invalid_request for a missing code', async () => {
    const res = await postForm(t, tokenPath, { grant_type: 'authorization_code', redirect_uri: clients.confidential.redirectUri }, {
      headers: { authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret) },
    });
    await expectTokenError(res, 400, 'invalid_request', 'code is required');
  });

  it('answers 405 with Allow: POST, OPTIONS and a JSON error to a GET', async () => {
    const res = await fetch(`${t.baseUrl}${tokenPath}`, { redirect: 'manual' });
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    await expectTokenError(res, 405, 'invalid_request', 'GET is not allowed here');
  });

  it('serves the token endpoint without the trailing slash', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await fetch(`${t.baseUrl}/application/o/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(clients.confidential.clientId, clients.confidential.secret),
      },
      body: new URLSearchParams(codeGrant(code)),
    });
    await expectTokens(res);
  });

  it('uses a new request id per request and reports it in the body', async () => {
    const first = await postForm(t, tokenPath, {});
    const second = await postForm(t, tokenPath, {});
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    expect(ids[0]).not.toBe(ids[1]);
    expect((await jsonOf(first)).request_id).toBe(ids[0]);
    expect((await jsonOf(second)).request_id).toBe(ids[1]);
  });
});
