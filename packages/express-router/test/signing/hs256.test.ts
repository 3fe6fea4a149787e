// An application without a signing key signs with HS256 and its client secret (OIDC Core §10.1).
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { clients, get, jsonOf, obtainTokens, startTestServer, testUser, userinfoPath, type TestServer } from '../fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const secretKey = new TextEncoder().encode(clients.hs256.secret);

describe('HS256 application', () => {
  it('signs the ID token with alg HS256 and no kid', async () => {
    const tokens = await obtainTokens(t, clients.hs256);
    expect(decodeProtectedHeader(tokens.id_token!)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('signs an ID token that verifies with the client secret', async () => {
    const tokens = await obtainTokens(t, clients.hs256, { nonce: 'hs-nonce' });
    const { payload } = await jwtVerify(tokens.id_token!, secretKey, {
      algorithms: ['HS256'],
      issuer: t.issuer('hs256'),
      audience: clients.hs256.clientId,
    });
    expect(payload).toMatchObject({ nonce: 'hs-nonce', auth_time: t.authTime, email: testUser.email });
  });

  it('signs an ID token that does not verify with another secret', async () => {
    const tokens = await obtainTokens(t, clients.hs256);
    await expect(jwtVerify(tokens.id_token!, new TextEncoder().encode('another-secret-of-sufficient-length!'))).rejects.toThrow(
      'signature verification failed',
    );
  });

  it('signs the access token with HS256 and accepts it at userinfo', async () => {
    const tokens = await obtainTokens(t, clients.hs256);
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const res = await get(t, userinfoPath, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).email).toBe(testUser.email);
  });

  it('publishes an empty JWKS', async () => {
    const res = await get(t, '/application/o/hs256/jwks/');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"keys":[]}');
  });

  it('announces HS256 as the ID token signing algorithm in discovery', async () => {
    const res = await get(t, '/application/o/hs256/.well-known/openid-configuration');
    expect((await jsonOf(res)).id_token_signing_alg_values_supported).toEqual(['HS256']);
  });
});
