// requireToken in front of an Express API: how a token may be presented (RFC 6750 §2), the checks
// of a JWT access token (RFC 9068 §4) and the refusals with their challenges (RFC 6750 §3).
import { SignJWT } from 'jose';
import { requireToken } from '@gatehouse/express-router';
import { audience, echoAuth, startTestApi, startTestIssuer, subject, type TestApi, type TestIssuer } from './resource-server.fixtures.js';

let issuer: TestIssuer;
let api: TestApi;
beforeAll(async () => {
  issuer = await startTestIssuer();
  api = await startTestApi((app) => {
    const notes = requireToken({ issuer: issuer.issuer, audience, scopes: ['notes:read'] });
    app.get('/notes', notes, echoAuth);
    app.post('/notes', notes, echoAuth);
    app.get('/notes/write', notes.withScopes('notes:write'), echoAuth);
    app.get('/any-audience', requireToken({ issuer: issuer.issuer }), echoAuth);
    app.get('/audiences', requireToken({ issuer: issuer.issuer, audience: ['other-api', audience] }), echoAuth);
    app.get('/strict-clock', requireToken({ issuer: issuer.issuer, clockToleranceSeconds: 0 }), echoAuth);
    app.get('/realm', requireToken({ issuer: issuer.issuer, realm: 'notes' }), echoAuth);
  });
});
afterAll(async () => {
  await api.close();
  await issuer.close();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Asserts a refusal: status, the exact challenge and the JSON body with the same error. */
async function expectRefusal(res: Response, status: number, challenge: string | null, body: { error: string; error_description: string }) {
  expect({ status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() }).toEqual({ status, challenge, body });
}
const invalidToken = (description: string) => ({
  challenge: `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  body: { error: 'invalid_token', error_description: description },
});
async function expectInvalidToken(res: Response, description: string) {
  const { challenge, body } = invalidToken(description);
  await expectRefusal(res, 401, challenge, body);
}

describe('a valid access token', () => {
  it('is let through, with req.auth telling subject, client, scopes and audience', async () => {
    const token = await issuer.sign({ jti: 'the-jti', scope: 'openid notes:read  notes:read profile' });
    const res = await api.call('/notes', { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject, clientId: audience, scopes: ['openid', 'notes:read', 'profile'], audience: [audience], jti: 'the-jti', tokenLength: token.length });
  });

  it('is accepted in a form body (RFC 6750 §2.2) and with a lower-case scheme', async () => {
    const token = await issuer.sign();
    expect((await api.call('/notes', { form: { access_token: token } })).status).toBe(200);
    expect((await api.call('/notes', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });

  it('is accepted when its aud list contains the audience, or one of the configured audiences', async () => {
    expect((await api.call('/notes', { token: await issuer.sign({ aud: ['someone-else', audience] }) })).status).toBe(200);
    expect((await api.call('/audiences', { token: await issuer.sign() })).status).toBe(200);
  });

  it('is accepted just after exp within the default tolerance of 5 seconds, not with no tolerance', async () => {
    const token = await issuer.sign({ exp: now() - 2 });
    expect((await api.call('/any-audience', { token })).status).toBe(200);
    await expectInvalidToken(await api.call('/strict-clock', { token }), 'the access token has expired');
  });
});

describe('requests without a usable token', () => {
  it('without any token: 401 with a challenge without error details (RFC 6750 §3.1)', async () => {
    await expectRefusal(await api.call('/notes'), 401, 'Bearer realm="api"', { error: 'invalid_token', error_description: 'an access token is required' });
  });

  it('with another scheme: 401 as without a token', async () => {
    await expectRefusal(await api.call('/notes', { headers: { authorization: 'Basic YTpi' } }), 401, 'Bearer realm="api"', {
      error: 'invalid_token', error_description: 'an access token is required',
    });
  });

  it('uses the configured realm', async () => {
    expect((await api.call('/realm')).headers.get('www-authenticate')).toBe('Bearer realm="notes"');
  });

  it.each([
    ['an empty credential', 'Bearer'],
    ['a space inside the token', 'Bearer abc def'],
    ['characters outside b64token', 'Bearer abc"def'],
  ])('with %s: 400 invalid_request', async (_, authorization) => {
    await expectRefusal(await api.call('/notes', { headers: { authorization } }), 400,
      'Bearer realm="api", error="invalid_request", error_description="the Authorization header is not a valid Bearer credential"',
      { error: 'invalid_request', error_description: 'the Authorization header is not a valid Bearer credential' });
  });

  it('with the token in the header and the body: 400 invalid_request', async () => {
    const token = await issuer.sign();
    const res = await fetch(`${api.baseUrl}/notes`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams({ access_token: token }) });
    await expectRefusal(res, 400, 'Bearer realm="api", error="invalid_request", error_description="the access token was sent in more than one way"', {
      error: 'invalid_request', error_description: 'the access token was sent in more than one way',
    });
  });

  it('with the token twice in the body: 400 invalid_request', async () => {
    const token = await issuer.sign();
    const res = await fetch(`${api.baseUrl}/notes`, { method: 'POST', body: new URLSearchParams([['access_token', token], ['access_token', token]]) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'access_token must be sent once' });
  });

  it('with the token in the URL query: 400, even beside a valid header (RFC 9700 §2.4)', async () => {
    const token = await issuer.sign();
    const res = await api.call(`/notes?access_token=${token}`, { token });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'access tokens are not accepted in the URL query' });
  });
});

describe('tokens that are refused with 401 invalid_token', () => {
  it('an expired token', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ iat: now() - 3600, exp: now() - 60 }) }), 'the access token has expired');
  });

  it('a token not valid yet (nbf)', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ nbf: now() + 120 }) }), 'the access token is not valid yet');
  });

  it('a token of another audience (the client ID of another application)', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ aud: 'other-client', client_id: 'other-client' }) }), 'the access token is meant for another audience');
    await expectInvalidToken(await api.call('/audiences', { token: await issuer.sign({ aud: 'third-client' }) }), 'the access token is meant for another audience');
  });

  it('a token of another issuer, even signed with a published key', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ iss: `${issuer.baseUrl}/application/o/other/` }) }), 'the access token comes from another issuer');
  });

  it('a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await issuer.sign()).split('.');
    const forged = `${header}.${b64({ iss: issuer.issuer, sub: 'admin', aud: audience, client_id: audience, iat: now(), exp: now() + 60, jti: 'x', scope: 'notes:read notes:write' })}.${signature}`;
    await expectInvalidToken(await api.call('/notes', { token: forged }), 'the signature of the access token is invalid');
  });

  it('a token signed by a key the issuer never published', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({}, { key: await issuer.unpublishedKey() }) }), 'the access token was signed with an unknown key');
  });

  it('an unsigned token (alg none)', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: issuer.issuer, sub: subject, aud: audience, client_id: audience, iat: now(), exp: now() + 60, jti: 'x', scope: 'notes:read' })}.`;
    await expectInvalidToken(await api.call('/notes', { token }), 'the access token is not signed with an accepted algorithm');
  });

  it('an HMAC token, even naming a published key (no HS/ES confusion)', async () => {
    const token = await new SignJWT({ iss: issuer.issuer, sub: subject, aud: audience, client_id: audience, jti: 'x', scope: 'notes:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.keys[0]!.kid })
      .setIssuedAt().setExpirationTime('1m')
      .sign(new TextEncoder().encode('a-shared-secret-of-thirty-two-bytes!'));
    await expectInvalidToken(await api.call('/notes', { token }), 'the access token is not signed with an accepted algorithm');
  });

  it('an ID token (typ JWT) presented as an access token (RFC 9068 §4)', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({}, { typ: 'JWT' }) }), 'the token is not an access token');
  });

  it('a token without client_id (RFC 9068 §2.2)', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ client_id: undefined }) }), 'the access token has no client_id claim');
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['an encrypted token (five segments)', 'a.b.c.d.e'],
    ['a JWT whose header is not JSON', 'bm90LWpzb24.e30.c2ln'],
  ])('%s', async (_, token) => {
    await expectInvalidToken(await api.call('/notes', { token }), 'the access token is malformed');
  });

  it('a token whose scope claim is not a string', async () => {
    await expectInvalidToken(await api.call('/notes', { token: await issuer.sign({ scope: ['notes:read'] }) }), 'the claims of the access token are malformed');
  });
});

describe('scopes', () => {
  it('a token without a scope the middleware requires: 403 insufficient_scope naming the scopes', async () => {
    const res = await api.call('/notes', { token: await issuer.sign({ scope: 'openid profile' }) });
    await expectRefusal(res, 403,
      'Bearer realm="api", error="insufficient_scope", error_description="the access token lacks a scope this resource requires", scope="notes:read"',
      { error: 'insufficient_scope', error_description: 'the access token lacks a scope this resource requires' });
  });

  it('withScopes adds to the scopes of the middleware', async () => {
    expect((await api.call('/notes/write', { token: await issuer.sign({ scope: 'notes:read notes:write' }) })).status).toBe(200);
    const res = await api.call('/notes/write', { token: await issuer.sign({ scope: 'notes:write' }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/, scope="notes:read notes:write"$/);
  });

  it('a token without any scope claim has no scopes', async () => {
    expect((await api.call('/notes', { token: await issuer.sign({ scope: undefined }) })).status).toBe(403);
  });
});

describe('options', () => {
  it.each([
    ['an issuer that is not a URL', { issuer: 'gatehouse' }, 'requireToken: issuer must be an http(s) URL'],
    ['a jwksUri that is not http(s)', { issuer: 'https://id.example/', jwksUri: 'file:///etc/keys.json' }, 'requireToken: jwksUri must be an http(s) URL'],
    ['a scope with a quote', { issuer: 'https://id.example/', scopes: ['notes"read'] }, 'requireToken: scopes must be scope tokens (RFC 6749 §3.3)'],
    ['an empty audience list', { issuer: 'https://id.example/', audience: [] }, 'requireToken: audience must be a non-empty string or list of them'],
    ['a realm with a quote', { issuer: 'https://id.example/', realm: 'a"b' }, 'requireToken: realm may not contain quotes, backslashes or control characters'],
    ['a negative clock tolerance', { issuer: 'https://id.example/', clockToleranceSeconds: -1 }, 'requireToken: clockToleranceSeconds must be a number of seconds, 0 or more'],
    ['introspection without a secret', { issuer: 'https://id.example/', introspection: { clientId: 'api', clientSecret: '' } }, 'requireToken: introspection needs a clientId and a clientSecret'],
  ])('refuses %s when the middleware is made', (_, options, message) => {
    expect(() => requireToken(options as Parameters<typeof requireToken>[0])).toThrow(new TypeError(message));
  });

  it('refuses a scope with a space in withScopes', () => {
    expect(() => requireToken({ issuer: 'https://id.example/' }).withScopes('notes:read notes:write')).toThrow(TypeError);
  });
});
