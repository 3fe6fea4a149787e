// `sub` modes (behaviour spec §2.4) and issuer modes (§2.5): what the application sees as the
// user's subject, and that discovery, the tokens and the authorization response agree on `iss`.
import type { SubMode } from '@gatehouse/core';
import { makeUser } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  authorize,
  codeRequest,
  customClient,
  get,
  jsonOf,
  locationOf,
  obtainTokens,
  startTestServer,
  testUser,
  userinfo,
  verifyJwt,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const frank = makeUser({ id: 'user-frank', uuid: '3d1f4c2a-5b6e-4f70-8a91-b2c3d4e5f607', username: 'frank', email: 'frank@example.com', attributes: { upn: 'frank@corp.example' } });
const dave = makeUser({ id: 'user-dave', uuid: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', username: 'dave', email: null, attributes: { upn: '' } });

const subModes: readonly SubMode[] = ['hashed_user_id', 'user_id', 'user_uuid', 'user_username', 'user_email', 'user_upn'];
const subApps = Object.fromEntries(subModes.map((mode) => [mode, customClient(`sub-${mode.replaceAll('_', '-')}`, { subMode: mode })]));
const { client: hashedTwin, application: hashedTwinApplication } = customClient('sub-hashed-twin', { subMode: 'hashed_user_id' });
const { client: perProvider, application: perProviderApplication } = customClient('iss-per-provider', { issuerMode: 'per_provider' });
const { client: globalIssuer, application: globalApplication } = customClient('iss-global', { issuerMode: 'global' });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: [...Object.values(subApps).map(({ application }) => application), hashedTwinApplication, perProviderApplication, globalApplication],
    users: [frank, dave],
  });
});
afterAll(() => t.close());

const clientOf = (mode: SubMode): TestClient => subApps[mode]!.client;

/** The sub of the ID token, of the access token and of userinfo, which must agree. */
async function subjectOf(server: TestServer, c: TestClient, user: string): Promise<string> {
  const tokens = await obtainTokens(server, c, { scope: 'openid' }, { user });
  const idSub = decodeJwt(tokens.id_token!).sub;
  expect(decodeJwt(tokens.access_token).sub).toBe(idSub);
  const res = await userinfo(server, tokens.access_token);
  expect(res.status).toBe(200);
  expect((await jsonOf(res))['sub']).toBe(idSub);
  expect(typeof idSub).toBe('string');
  return idSub!;
}

describe('sub modes', () => {
  describe('hashed_user_id', () => {
    it('is a 64-hex hash that does not contain the user id, username or uuid', async () => {
      const sub = await subjectOf(t, clientOf('hashed_user_id'), testUser.id);
      expect(sub).toMatch(/^[0-9a-f]{64}$/);
      for (const identifier of [testUser.id, testUser.username, testUser.uuid, testUser.uuid.replaceAll('-', '')]) expect(sub).not.toContain(identifier);
    });

    it('is stable across logins and across applications of the installation, and differs per user', async () => {
      const first = await subjectOf(t, clientOf('hashed_user_id'), testUser.id);
      const again = await subjectOf(t, clientOf('hashed_user_id'), testUser.id);
      const twin = await subjectOf(t, hashedTwin, testUser.id);
      const otherUser = await subjectOf(t, clientOf('hashed_user_id'), frank.id);
      expect(again).toBe(first);
      expect(twin).toBe(first);
      expect(otherUser).not.toBe(first);
    });

    it('differs in an installation with another subjectSalt', async () => {
      const here = await subjectOf(t, clientOf('hashed_user_id'), testUser.id);
      const { client: c, application } = customClient('sub-salted', { subMode: 'hashed_user_id' });
      const elsewhere = await startTestServer({ applications: [application], settings: { subjectSalt: 'another-installation' } });
      try {
        const there = await subjectOf(elsewhere, c, testUser.id);
        expect(there).toMatch(/^[0-9a-f]{64}$/);
        expect(there).not.toBe(here);
      } finally {
        await elsewhere.close();
      }
    });
  });

  it('user_id is the user id', async () => {
    expect(await subjectOf(t, clientOf('user_id'), testUser.id)).toBe(testUser.id);
  });

  it('user_uuid is the user uuid', async () => {
    expect(await subjectOf(t, clientOf('user_uuid'), testUser.id)).toBe(testUser.uuid);
  });

  it('user_username is the username', async () => {
    expect(await subjectOf(t, clientOf('user_username'), frank.id)).toBe('frank');
  });

  it('user_email is the email address', async () => {
    expect(await subjectOf(t, clientOf('user_email'), testUser.id)).toBe('alice@example.com');
  });

  it('user_email falls back to the hashed user id when the user has no email address', async () => {
    const hashed = await subjectOf(t, clientOf('hashed_user_id'), dave.id);
    expect(await subjectOf(t, clientOf('user_email'), dave.id)).toBe(hashed);
  });

  it('user_upn is the upn attribute', async () => {
    expect(await subjectOf(t, clientOf('user_upn'), frank.id)).toBe('frank@corp.example');
  });

  it('user_upn falls back to the hashed user id without a upn attribute, or with an empty one', async () => {
    expect(await subjectOf(t, clientOf('user_upn'), testUser.id)).toBe(await subjectOf(t, clientOf('hashed_user_id'), testUser.id));
    expect(await subjectOf(t, clientOf('user_upn'), dave.id)).toBe(await subjectOf(t, clientOf('hashed_user_id'), dave.id));
  });
});

describe('issuer modes', () => {
  const discoveryOf = async (slug: string) => {
    const res = await get(t, `/application/o/${slug}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    return jsonOf(res);
  };

  it.each([
    ['per_provider', 'iss-per-provider', () => perProvider, (base: string) => `${base}/application/o/iss-per-provider/`],
    ['global', 'iss-global', () => globalIssuer, (base: string) => `${base}/`],
  ] as const)('%s: discovery, the authorization response, the ID token and the access token agree on iss', async (_mode, slug, clientFn, expectedIssuer) => {
    const c = clientFn();
    const issuer = expectedIssuer(t.baseUrl);
    expect((await discoveryOf(slug))['issuer']).toBe(issuer);

    const res = await authorize(t, codeRequest(c, { scope: 'openid' }), { user: testUser.id });
    expect(res.status).toBe(302);
    expect(locationOf(res).searchParams.get('iss')).toBe(issuer);

    const tokens = await obtainTokens(t, c, { scope: 'openid' });
    const { payload: idToken } = await verifyJwt(t, slug, tokens.id_token!, { audience: c.clientId, issuer });
    const { payload: accessToken } = await verifyJwt(t, slug, tokens.access_token, { audience: c.clientId, issuer, typ: 'at+jwt' });
    expect(idToken.iss).toBe(issuer);
    expect(accessToken.iss).toBe(issuer);
    // The server accepts its own access token under that issuer.
    expect((await userinfo(t, tokens.access_token)).status).toBe(200);
  });

  it('global: error redirects carry the global issuer too', async () => {
    const res = await authorize(t, codeRequest(globalIssuer, { response_type: 'device' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('iss')).toBe(`${t.baseUrl}/`);
  });
});
