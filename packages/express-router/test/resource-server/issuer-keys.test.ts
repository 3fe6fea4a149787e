// Where requireToken gets the issuer's keys: discovery (OIDC Discovery §4) or jwksUri, kept by
// jose's remote key set, downloaded again for an unknown kid (key rotation), and a 503 — never a
// 500, never a failure remembered — when the issuer cannot be reached.
import { requireToken, type RequireTokenOptions } from '@gatehouse/express-router';
import { echoAuth, startTestApi, startTestIssuer, type TestApi, type TestIssuer } from './resource-server.fixtures.js';

let issuer: TestIssuer;
let api: TestApi;

/** A fresh issuer and an API with one route per set of options, so each test counts its own downloads. */
async function start(routes: (issuer: TestIssuer) => Record<string, Omit<RequireTokenOptions, 'issuer'>> = () => ({ '/notes': {} })): Promise<void> {
  issuer = await startTestIssuer();
  api = await startTestApi((app) => {
    for (const [path, options] of Object.entries(routes(issuer))) app.get(path, requireToken({ issuer: issuer.issuer, ...options }), echoAuth);
  });
}
afterEach(async () => {
  await api.close();
  await issuer.close();
});

const unavailable = (description: string) => ({ status: 503, challenge: null, body: { error: 'temporarily_unavailable', error_description: description } });
const outcome = async (res: Response) => ({ status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() });

describe('discovery and the key set', () => {
  it('discovers the JWKS once, and keeps the keys for later tokens', async () => {
    await start();
    for (let i = 0; i < 3; i++) expect((await api.call('/notes', { token: await issuer.sign() })).status).toBe(200);
    expect(issuer.hits).toEqual({ discovery: 1, jwks: 1, introspection: 0 });
  });

  it('needs no discovery when jwksUri is given', async () => {
    await start((t) => ({ '/notes': { jwksUri: t.jwksUri } }));
    expect((await api.call('/notes', { token: await issuer.sign() })).status).toBe(200);
    expect(issuer.hits).toEqual({ discovery: 0, jwks: 1, introspection: 0 });
  });

  it('shares one download between concurrent first requests', async () => {
    await start();
    const token = await issuer.sign();
    const statuses = await Promise.all(Array.from({ length: 5 }, async () => (await api.call('/notes', { token })).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(issuer.hits).toEqual({ discovery: 1, jwks: 1, introspection: 0 });
  });

  it('downloads the keys again for a token with an unknown kid after a rotation', async () => {
    await start(() => ({ '/notes': { jwksCooldownSeconds: 0 } }));
    const before = await issuer.sign();
    expect((await api.call('/notes', { token: before })).status).toBe(200);
    await issuer.rotate();
    const after = await issuer.sign();
    expect((await api.call('/notes', { token: after })).status).toBe(200);
    expect(issuer.hits.jwks).toBe(2);
    // Both keys are known now: neither token costs another download.
    expect((await api.call('/notes', { token: before })).status).toBe(200);
    expect((await api.call('/notes', { token: after })).status).toBe(200);
    expect(issuer.hits.jwks).toBe(2);
  });

  it('does not download again within the cooldown: a token with an unknown kid is refused meanwhile', async () => {
    await start();
    expect((await api.call('/notes', { token: await issuer.sign() })).status).toBe(200);
    await issuer.rotate();
    expect(await outcome(await api.call('/notes', { token: await issuer.sign() }))).toEqual({
      status: 401,
      challenge: 'Bearer realm="api", error="invalid_token", error_description="the access token was signed with an unknown key"',
      body: { error: 'invalid_token', error_description: 'the access token was signed with an unknown key' },
    });
    expect(issuer.hits.jwks).toBe(1);
  });
});

describe('an issuer that cannot be reached', () => {
  it('discovery failing: 503, and the next request tries again', async () => {
    await start();
    const token = await issuer.sign();
    issuer.failing.add('discovery');
    expect(await outcome(await api.call('/notes', { token }))).toEqual(unavailable('the metadata of the token issuer could not be fetched'));
    issuer.failing.delete('discovery');
    expect((await api.call('/notes', { token })).status).toBe(200);
    expect(issuer.hits.discovery).toBe(2);
  });

  it('the JWKS failing: 503, and the next request tries again', async () => {
    await start();
    const token = await issuer.sign();
    issuer.failing.add('jwks');
    expect(await outcome(await api.call('/notes', { token }))).toEqual(unavailable('the keys of the token issuer could not be fetched'));
    issuer.failing.delete('jwks');
    expect((await api.call('/notes', { token })).status).toBe(200);
    expect(issuer.hits.jwks).toBe(2);
  });

  it('nothing listening: 503', async () => {
    await start();
    const token = await issuer.sign();
    const gone = await startTestApi((app) => app.get('/gone', requireToken({ issuer: 'http://127.0.0.1:9/application/o/api/' }), echoAuth));
    try {
      expect(await outcome(await gone.call('/gone', { token }))).toEqual(unavailable('the metadata of the token issuer could not be fetched'));
    } finally {
      await gone.close();
    }
  });

  it('metadata naming another issuer (OIDC Discovery §4.3): 503', async () => {
    await start();
    issuer.metadataIssuer = 'http://evil.example/';
    expect(await outcome(await api.call('/notes', { token: await issuer.sign() }))).toEqual(unavailable('the metadata of the token issuer names another issuer'));
  });

  it('refuses a bad token without asking the issuer at all', async () => {
    await start();
    issuer.failing.add('discovery');
    expect((await api.call('/notes', { headers: { authorization: 'Bearer' } })).status).toBe(400);
    expect((await api.call('/notes')).status).toBe(401);
    expect((await api.call('/notes', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await api.call('/notes', { token: (await issuer.sign()).replace(/^[^.]+/, 'e30') })).status).toBe(401);
    expect(issuer.hits.discovery).toBe(0);
  });
});
