// Where claims go (behaviour spec §4.1, §5.1, §5.2): `includeClaimsInIdToken` puts profile claims
// into the ID token and the access token (frozen at issue time) or leaves them to userinfo (live);
// the standard claims of OIDC Core §2 and RFC 9068 (typ at+jwt, client_id, scope).
import { createHash } from 'node:crypto';
import { manualClock } from '@gatehouse/core/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  customClient,
  exchangeCode,
  jsonOf,
  obtainCode,
  obtainTokens,
  startTestServer,
  testUser,
  userinfo,
  verifyJwt,
  type TestServer,
} from '../fixtures.js';

const clock = manualClock(Math.floor(Date.now() / 1000));
const { client: full, application: fullApplication } = customClient('full-claims', { includeClaimsInIdToken: true, accessTokenValiditySeconds: 900 });
const { client: lean, application: leanApplication } = customClient('lean-claims', { includeClaimsInIdToken: false });
const { client: hs, application: hsApplication } = customClient('hs-claims', { signingKey: null, hmacSecret: 'hs-claims-secret-long-enough-for-hmac' });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ applications: [fullApplication, leanApplication, hsApplication], clock });
});
afterAll(() => t.close());

const profileClaims = {
  name: 'Alice Example',
  given_name: 'Alice Example',
  preferred_username: 'alice',
  nickname: 'alice',
  groups: ['engineering', 'admins'],
  email: 'alice@example.com',
  email_verified: true,
};
const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
const atHash = (accessToken: string) => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

describe('includeClaimsInIdToken: true', () => {
  it('puts the profile and email claims into the ID token and into the access token', async () => {
    const tokens = await obtainTokens(t, full, { scope: 'openid profile email' });
    const { payload: idToken } = await verifyJwt(t, 'full-claims', tokens.id_token!, { audience: full.clientId, typ: 'JWT' });
    const { payload: accessToken } = await verifyJwt(t, 'full-claims', tokens.access_token, { audience: full.clientId, typ: 'at+jwt' });
    expect(idToken).toMatchObject(profileClaims);
    expect(accessToken).toMatchObject(profileClaims);
  });

  it('freezes the claims of the tokens at issue time, while userinfo answers the user as they are now', async () => {
    const renamed = { ...testUser, id: 'user-renamed', username: 'renamed' };
    await t.stores.users.save(renamed);
    const tokens = await obtainTokens(t, full, { scope: 'openid profile' }, { user: renamed.id });
    await t.stores.users.save({ ...renamed, name: 'Alice Changed', groups: ['new-group'] });

    const body = await jsonOf(await userinfo(t, tokens.access_token));
    expect(body).toMatchObject({ name: 'Alice Changed', given_name: 'Alice Changed', groups: ['new-group'] });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ name: 'Alice Example', given_name: 'Alice Example', groups: ['engineering', 'admins'] });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ name: 'Alice Example', groups: ['engineering', 'admins'] });
  });
});

describe('includeClaimsInIdToken: false', () => {
  it('puts only the standard claims into the ID token and the access token', async () => {
    const tokens = await obtainTokens(t, lean, { scope: 'openid profile email', nonce: 'lean-nonce' });
    const idToken = decodeJwt(tokens.id_token!);
    const accessToken = decodeJwt(tokens.access_token);
    expect(Object.keys(idToken).sort()).toEqual(['acr', 'at_hash', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'iss', 'jti', 'nonce', 'sub']);
    expect(Object.keys(accessToken).sort()).toEqual(['acr', 'aud', 'auth_time', 'azp', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
  });

  it('still answers the profile and email claims at userinfo', async () => {
    const tokens = await obtainTokens(t, lean, { scope: 'openid profile email' });
    expect(await jsonOf(await userinfo(t, tokens.access_token))).toEqual({ sub: decodeJwt(tokens.id_token!).sub, ...profileClaims });
  });
});

describe('standard claims', () => {
  it('sets iss, sub, aud, azp, iat, exp (access token validity), auth_time, acr and jti in both tokens', async () => {
    const authTime = clock.now() - 120;
    const code = await obtainCode(t, full, { scope: 'openid' }, { authTime });
    clock.advance(7);
    const issuedAt = clock.now();
    const res = await exchangeCode(t, full, code);
    expect(res.status).toBe(200);
    const tokens = await jsonOf(res);
    expect(tokens['expires_in']).toBe(900);
    const { payload: idToken } = await verifyJwt(t, 'full-claims', tokens['id_token'], { audience: full.clientId });
    const { payload: accessToken } = await verifyJwt(t, 'full-claims', tokens['access_token'], { audience: full.clientId });
    const sub = (await jsonOf(await userinfo(t, tokens['access_token'])))['sub'];
    const common = {
      iss: t.issuer('full-claims'),
      sub,
      aud: full.clientId,
      azp: full.clientId,
      iat: issuedAt,
      exp: issuedAt + 900,
      auth_time: authTime,
      acr: 'urn:gatehouse:acr:default',
    };
    expect(idToken).toEqual({ ...common, jti: expect.any(String), at_hash: atHash(tokens['access_token']) });
    expect(accessToken).toEqual({ ...common, jti: expect.any(String), client_id: full.clientId, scope: 'openid' });
    expect(idToken.jti).not.toBe(accessToken.jti);
  });

  it('issues a new jti for every token', async () => {
    const jtis = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const tokens = await obtainTokens(t, full, { scope: 'openid' });
      jtis.add(decodeJwt(tokens.id_token!).jti);
      jtis.add(decodeJwt(tokens.access_token).jti);
    }
    expect(jtis.size).toBe(6);
    for (const jti of jtis) expect(jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('carries the session’s amr and the SHA-256 (hex) of its session id as sid, in both tokens', async () => {
    const tokens = await obtainTokens(t, full, { scope: 'openid' }, { amr: ['pwd', 'mfa'], sessionId: 'browser-session-42' });
    for (const jwt of [tokens.id_token!, tokens.access_token]) {
      const payload = decodeJwt(jwt);
      expect(payload['amr']).toEqual(['pwd', 'mfa']);
      expect(payload['sid']).toBe(sha256Hex('browser-session-42'));
      expect(payload['sid']).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(payload)).not.toContain('browser-session-42');
    }
  });

  it('leaves out amr and sid when the session has neither', async () => {
    const tokens = await obtainTokens(t, full, { scope: 'openid' });
    for (const jwt of [tokens.id_token!, tokens.access_token]) {
      expect(decodeJwt(jwt)).not.toHaveProperty('amr');
      expect(decodeJwt(jwt)).not.toHaveProperty('sid');
    }
  });

  it('puts the nonce of the request into the ID token only, and none when the request had none', async () => {
    const withNonce = await obtainTokens(t, full, { scope: 'openid', nonce: 'n-0S6_WzA2Mj' });
    expect(decodeJwt(withNonce.id_token!)['nonce']).toBe('n-0S6_WzA2Mj');
    expect(decodeJwt(withNonce.access_token)).not.toHaveProperty('nonce');
    const without = await obtainTokens(t, full, { scope: 'openid' });
    expect(decodeJwt(without.id_token!)).not.toHaveProperty('nonce');
  });

  it('binds the ID token to the access token with at_hash', async () => {
    const tokens = await obtainTokens(t, full, { scope: 'openid profile' });
    expect(decodeJwt(tokens.id_token!)['at_hash']).toBe(atHash(tokens.access_token));
  });

  it('uses the configured acr', async () => {
    const { client: acrClient, application: acrApplication } = customClient('acr-claims');
    const custom = await startTestServer({ applications: [acrApplication], settings: { acr: 'urn:example:loa:2' } });
    try {
      const tokens = await obtainTokens(custom, acrClient, { scope: 'openid' });
      expect(decodeJwt(tokens.id_token!)['acr']).toBe('urn:example:loa:2');
      expect(decodeJwt(tokens.access_token)['acr']).toBe('urn:example:loa:2');
    } finally {
      await custom.close();
    }
  });
});

describe('RFC 9068 access token', () => {
  it('has typ at+jwt, the signing key’s alg and kid, client_id and the granted scope', async () => {
    const tokens = await obtainTokens(t, full, { scope: 'email openid' });
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: t.signingKey.kid });
    expect(decodeProtectedHeader(tokens.id_token!)).toEqual({ alg: 'ES256', typ: 'JWT', kid: t.signingKey.kid });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: full.clientId, scope: 'email openid', aud: full.clientId });
  });

  it('is an at+jwt for an HS256 application too', async () => {
    const tokens = await obtainTokens(t, hs, { scope: 'openid' });
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const { payload } = await verifyJwt(t, 'hs-claims', tokens.access_token, { audience: hs.clientId, typ: 'at+jwt', secret: hsApplication.hmacSecret! });
    expect(payload).toMatchObject({ client_id: hs.clientId, scope: 'openid' });
  });
});
