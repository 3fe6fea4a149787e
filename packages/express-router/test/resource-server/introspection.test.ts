// requireToken with `introspection` (RFC 7662): a token the issuer says is no longer active is
// refused even though its JWT is valid; active answers are kept briefly; an introspection endpoint
// that cannot be used is a 503.
import { requireToken, type IntrospectionOptions } from '@gatehouse/express-router';
import { audience, echoAuth, startTestApi, startTestIssuer, type TestApi, type TestIssuer } from './resource-server.fixtures.js';

let issuer: TestIssuer;
let api: TestApi;
const credentials = { clientId: 'api client', clientSecret: 'sécret:+/=' };

async function start(introspection: Partial<IntrospectionOptions> = {}): Promise<void> {
  issuer = await startTestIssuer();
  api = await startTestApi((app) => {
    app.get('/notes', requireToken({ issuer: issuer.issuer, audience, scopes: ['notes:read'], introspection: { ...credentials, ...introspection } }), echoAuth);
  });
}
afterEach(async () => {
  await api.close();
  await issuer.close();
});

const outcome = async (res: Response) => ({ status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() });

it('asks the discovered endpoint with Basic client credentials, form-encoded first (RFC 6749 §2.3.1)', async () => {
  await start();
  const token = await issuer.sign();
  expect((await api.call('/notes', { token })).status).toBe(200);
  expect(issuer.introspection.requests).toHaveLength(1);
  const [request] = issuer.introspection.requests;
  expect(Buffer.from(request!.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('api+client:s%C3%A9cret%3A%2B%2F%3D');
  expect(Object.fromEntries(request!.body)).toEqual({ token, token_type_hint: 'access_token' });
});

it('refuses a token the issuer says is inactive (revoked) with 401 invalid_token', async () => {
  await start();
  issuer.introspection.active = false;
  expect(await outcome(await api.call('/notes', { token: await issuer.sign() }))).toEqual({
    status: 401,
    challenge: 'Bearer realm="api", error="invalid_token", error_description="the access token has been revoked or is no longer active"',
    body: { error: 'invalid_token', error_description: 'the access token has been revoked or is no longer active' },
  });
});

it('does not ask about a token whose JWT is already refused', async () => {
  await start();
  expect((await api.call('/notes', { token: await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 60 }) })).status).toBe(401);
  expect(issuer.hits.introspection).toBe(0);
});

it('keeps an active answer for cacheSeconds: a revocation is seen once it has passed', async () => {
  await start({ cacheSeconds: 1 });
  const token = await issuer.sign();
  expect((await api.call('/notes', { token })).status).toBe(200);
  issuer.introspection.active = false;
  expect((await api.call('/notes', { token })).status).toBe(200);
  expect(issuer.hits.introspection).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect((await api.call('/notes', { token })).status).toBe(401);
  expect(issuer.hits.introspection).toBe(2);
});

it('asks every time with cacheSeconds 0, and does not keep inactive answers', async () => {
  await start({ cacheSeconds: 0 });
  const token = await issuer.sign();
  expect((await api.call('/notes', { token })).status).toBe(200);
  issuer.introspection.active = false;
  expect((await api.call('/notes', { token })).status).toBe(401);
  issuer.introspection.active = true;
  expect((await api.call('/notes', { token })).status).toBe(200);
  expect(issuer.hits.introspection).toBe(3);
});

it('uses the configured endpoint without discovery when the JWKS is configured too', async () => {
  issuer = await startTestIssuer();
  api = await startTestApi((app) => {
    app.get('/notes', requireToken({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, introspection: { ...credentials, endpoint: issuer.introspectionEndpoint } }), echoAuth);
  });
  expect((await api.call('/notes', { token: await issuer.sign() })).status).toBe(200);
  expect(issuer.hits).toEqual({ discovery: 0, jwks: 1, introspection: 1 });
});

describe('an introspection endpoint that cannot be used: 503, tried again on the next request', () => {
  it.each([
    ['failing', () => issuer.failing.add('introspection'), 'the introspection endpoint of the token issuer answered 500'],
    ['refusing the credentials', () => { issuer.introspection.status = 401; }, 'the introspection endpoint refused the credentials of this resource server'],
  ])('%s', async (_, breakIt, description) => {
    await start();
    const token = await issuer.sign();
    breakIt();
    expect(await outcome(await api.call('/notes', { token }))).toEqual({ status: 503, challenge: null, body: { error: 'temporarily_unavailable', error_description: description } });
    issuer.failing.clear();
    issuer.introspection.status = 200;
    expect((await api.call('/notes', { token })).status).toBe(200);
  });

  it('not listening', async () => {
    issuer = await startTestIssuer();
    api = await startTestApi((app) => {
      app.get('/notes', requireToken({ issuer: issuer.issuer, introspection: { ...credentials, endpoint: 'http://127.0.0.1:9/introspect' } }), echoAuth);
    });
    expect(await outcome(await api.call('/notes', { token: await issuer.sign() }))).toEqual({
      status: 503, challenge: null, body: { error: 'temporarily_unavailable', error_description: 'the introspection endpoint of the token issuer could not be reached' },
    });
  });
});
