// The authorization code grant over HTTP: single-use codes, binding to client and redirect URI,
// and PKCE without downgrades (RFC 6749 §4.1.3, RFC 7636, DESIGN.md §7).
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import {
  clients,
  exchangeCode,
  get,
  jsonOf,
  obtainCode,
  pkcePair,
  startTestServer,
  testUser,
  tokenRequest,
  userinfoPath,
  type TestServer,
} from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function expectInvalidGrant(res: Response, description: string): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await jsonOf(res)).toEqual({ error: 'invalid_grant', error_description: description, request_id: res.headers.get('x-request-id') });
}

const bearer = (accessToken: string) => ({ headers: { authorization: `Bearer ${accessToken}` } });

describe('code lifetime', () => {
  it('issues tokens for the user, client and nonce of the code', async () => {
    const code = await obtainCode(t, clients.confidential, { nonce: 'n-0S6_WzA2Mj' });
    const res = await exchangeCode(t, clients.confidential, code);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    const idToken = decodeJwt(body.id_token);
    expect(idToken).toMatchObject({
      iss: t.issuer('confidential'),
      aud: clients.confidential.clientId,
      nonce: 'n-0S6_WzA2Mj',
      auth_time: t.authTime,
      name: testUser.name,
      email: testUser.email,
    });
    expect(decodeJwt(body.access_token)).toMatchObject({ client_id: clients.confidential.clientId, scope: 'openid profile email' });
  });

  it('binds the ID token to the access token with at_hash', async () => {
    const code = await obtainCode(t, clients.confidential);
    const body = await jsonOf(await exchangeCode(t, clients.confidential, code));
    const digest = createHash('sha256').update(body.access_token).digest();
    expect(decodeJwt(body.id_token).at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
  });

  it('refuses a replayed code with invalid_grant', async () => {
    const code = await obtainCode(t, clients.confidential);
    expect((await exchangeCode(t, clients.confidential, code)).status).toBe(200);
    await expectInvalidGrant(await exchangeCode(t, clients.confidential, code), 'the authorization code was already used');
  });

  it('revokes the access token of the first exchange when the code is replayed', async () => {
    const code = await obtainCode(t, clients.confidential);
    const { access_token: accessToken } = await jsonOf(await exchangeCode(t, clients.confidential, code));
    expect((await get(t, userinfoPath, bearer(accessToken))).status).toBe(200);

    expect((await exchangeCode(t, clients.confidential, code)).status).toBe(400);

    const res = await get(t, userinfoPath, bearer(accessToken));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
    expect((await jsonOf(res)).error).toBe('invalid_token');
  });

  it('refuses an unknown code with invalid_grant', async () => {
    await expectInvalidGrant(await exchangeCode(t, clients.confidential, 'not-a-code'), 'the authorization code is invalid or has expired');
  });
});

describe('code binding', () => {
  it('refuses a redirect_uri that differs from the authorization request with invalid_grant', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await exchangeCode(t, clients.confidential, code, { redirect_uri: 'https://client.example.com/cb?tenant=acme&lang=en' });
    await expectInvalidGrant(res, 'redirect_uri does not match the one of the authorization request');
  });

  it('refuses a missing redirect_uri with invalid_grant', async () => {
    const code = await obtainCode(t, clients.confidential);
    const res = await tokenRequest(t, clients.confidential, { grant_type: 'authorization_code', code });
    await expectInvalidGrant(res, 'redirect_uri does not match the one of the authorization request');
  });

  it('refuses the code of another client with invalid_grant', async () => {
    const code = await obtainCode(t, clients.confidential);
    await expectInvalidGrant(await exchangeCode(t, clients.other, code), 'the authorization code was issued to another client');
  });
});

describe('PKCE', () => {
  it('exchanges a public client code with client_id and the S256 verifier only', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, clients.public, { code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await exchangeCode(t, clients.public, code, { code_verifier: verifier }, 'none');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await jsonOf(res)).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' });
  });

  it('refuses a public client that sends a client_secret with invalid_client', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, clients.public, { code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await exchangeCode(t, clients.public, code, { code_verifier: verifier, client_secret: 'anything' }, 'none');
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error).toBe('invalid_client');
  });

  it('refuses an S256-challenged code exchanged without code_verifier (downgrade) with invalid_grant', async () => {
    const { challenge } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: challenge, code_challenge_method: 'S256' });
    await expectInvalidGrant(await exchangeCode(t, clients.confidential, code), 'code_verifier is required for this code');
  });

  it('refuses a public client code exchanged without code_verifier with invalid_grant', async () => {
    const { challenge } = pkcePair();
    const code = await obtainCode(t, clients.public, { code_challenge: challenge, code_challenge_method: 'S256' });
    await expectInvalidGrant(await exchangeCode(t, clients.public, code, {}, 'none'), 'code_verifier is required for this code');
  });

  it('refuses a code_verifier for a code issued without code_challenge (downgrade) with invalid_grant', async () => {
    const { verifier } = pkcePair();
    const code = await obtainCode(t, clients.confidential);
    await expectInvalidGrant(
      await exchangeCode(t, clients.confidential, code, { code_verifier: verifier }),
      'code_verifier sent for a code that was issued without a code_challenge',
    );
  });

  it('refuses a wrong code_verifier with invalid_grant', async () => {
    const { challenge } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: challenge, code_challenge_method: 'S256' });
    await expectInvalidGrant(
      await exchangeCode(t, clients.confidential, code, { code_verifier: pkcePair().verifier }),
      'code_verifier does not match the code_challenge',
    );
  });

  it('refuses a code_verifier with invalid syntax with invalid_grant', async () => {
    const { challenge } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: challenge, code_challenge_method: 'S256' });
    await expectInvalidGrant(
      await exchangeCode(t, clients.confidential, code, { code_verifier: 'too-short' }),
      'code_verifier must be 43 to 128 unreserved characters',
    );
  });

  it('exchanges a confidential client code with S256 PKCE', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: challenge, code_challenge_method: 'S256' });
    expect((await exchangeCode(t, clients.confidential, code, { code_verifier: verifier })).status).toBe(200);
  });

  it('exchanges a confidential client code with plain PKCE', async () => {
    const { verifier } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: verifier, code_challenge_method: 'plain' });
    const res = await exchangeCode(t, clients.confidential, code, { code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ token_type: 'Bearer' });
  });

  it('refuses a wrong plain verifier with invalid_grant', async () => {
    const { verifier } = pkcePair();
    const code = await obtainCode(t, clients.confidential, { code_challenge: verifier, code_challenge_method: 'plain' });
    await expectInvalidGrant(
      await exchangeCode(t, clients.confidential, code, { code_verifier: pkcePair().verifier }),
      'code_verifier does not match the code_challenge',
    );
  });
});
