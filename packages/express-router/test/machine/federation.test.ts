// JWT federation in client_credentials / password (behaviour spec §3.6 rule 1, edge cases 45-48
// and 82, seed document 003, issue 5): JWTs of federated sources (inline JWKS or a jwks_uri served
// here) as client_assertion or as client_secret become service accounts `<slug>-<sub>` with mapped
// attributes that expire with the JWT; access tokens of federated applications of this server act
// for their user. Signature, alg, kid, exp, iss, aud and jti are checked.
import { type ScopePolicyContext, type User } from '@gatehouse/core';
import { makeUser, manualClock, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { customClient, jsonOf, obtainTokens, postForm, startTestServer, tokenPath, userinfo, type Json, type TestServer } from '../fixtures.js';
import { expectTokenError, hs256Jwt, jwtBearer, publicPem, serveJwks, signWith, testKey, unsecuredJwt, type JwksServer, type TestKey } from '../token-helpers.js';

const k8sIssuer = 'https://kubernetes.default.svc.cluster.local';
const ciIssuer = 'https://ci.example.com';
const denied = 'the client credentials are invalid';

let rsa: TestKey;
let rsaNoAlg: TestKey;
let ec: TestKey;
/** Same kid as `rsa` / `ec`, other key material. */
let rogueRsa: TestKey;
let rogueEc: TestKey;
let jwks: JwksServer;
let clock: ManualClock;
let t: TestServer;

const { client: fed, application: fedTemplate } = customClient('fed');
const { client: issuerApp, application: issuerApplication } = customClient('fed-issuer');
const { client: unlistedApp, application: unlistedApplication } = customClient('fed-unlisted');
const dora: User = makeUser({ id: 'user-dora', uuid: '3a6f9b5c-8e2a-4f4b-8c7d-1e3f5a7b9c2d', username: 'dora' });

type Policy = (context: ScopePolicyContext) => boolean;
let policy: Policy;
let seen: ScopePolicyContext[];

beforeAll(async () => {
  [rsa, rsaNoAlg, ec, rogueRsa, rogueEc] = await Promise.all([
    testKey('RS256', 'rsa-1'),
    testKey('RS256', 'rsa-noalg'),
    testKey('ES256', 'ec-1'),
    testKey('RS256', 'rsa-1'),
    testKey('ES256', 'ec-1'),
  ]);
  jwks = await serveJwks([ec.publicJwk]);
  clock = manualClock(Math.floor(Date.now() / 1000));
  const { alg: _alg, ...noAlgJwk } = rsaNoAlg.publicJwk;
  t = await startTestServer({
    clock,
    users: [dora],
    applications: [
      {
        ...fedTemplate,
        jwtFederationSources: [
          { name: 'ci', jwks: { keys: [rsa.publicJwk as Record<string, unknown>] } },
          { name: 'legacy', jwks: { keys: [noAlgJwk as Record<string, unknown>] } },
          {
            name: 'k8s',
            jwksUri: jwks.url,
            issuer: k8sIssuer,
            audience: 'gatehouse',
            attributes: { namespace: 'kubernetes.io.namespace', serviceAccount: 'kubernetes.io.serviceaccount.name', missing: 'kubernetes.io.node.name' },
          },
        ],
        jwtFederationProviders: ['fed-issuer'],
      },
      issuerApplication,
      unlistedApplication,
    ],
    hooks: {
      authorizeScopes: (context) => {
        if (context.application.id !== fedTemplate.id) return true;
        seen.push(context);
        return policy(context);
      },
    },
  });
});
afterAll(async () => {
  await t.close();
  await jwks.close();
});
beforeEach(() => {
  policy = () => true;
  seen = [];
});

let jtiCounter = 0;
const nextJti = () => `jti-${++jtiCounter}-${Date.now()}`;

/** Claims of a CI system's JWT, valid ten minutes. */
function ciClaims(extra: JWTPayload = {}): JWTPayload {
  const now = clock.now();
  return { iss: ciIssuer, sub: 'build-runner', aud: 'gatehouse', iat: now, exp: now + 600, jti: nextJti(), ...extra };
}

/** Claims of a Kubernetes projected service-account token. */
function k8sClaims(extra: JWTPayload = {}): JWTPayload {
  const now = clock.now();
  return {
    aud: ['gatehouse'],
    exp: now + 3600,
    iat: now,
    iss: k8sIssuer,
    jti: nextJti(),
    'kubernetes.io': {
      namespace: 'ci',
      pod: { name: 'builder-7d9f8', uid: '0c3bde6f-5b2e-4d0c-a9ee-5a8cc2b7e0a1' },
      serviceaccount: { name: 'builder', uid: '6f2c8d4e-1a3b-4c5d-9e7f-8a9b0c1d2e3f' },
    },
    nbf: now,
    sub: 'system:serviceaccount:ci:builder',
    ...extra,
  };
}

type As = 'client_assertion' | 'client_secret';

function exchange(assertion: string, options: { as?: As; type?: string; scope?: string; grantType?: string; clientId?: string } = {}): Promise<Response> {
  return postForm(t, tokenPath, {
    grant_type: options.grantType ?? 'client_credentials',
    client_id: options.clientId ?? fed.clientId,
    client_assertion_type: options.type ?? jwtBearer,
    [options.as ?? 'client_assertion']: assertion,
    scope: options.scope ?? 'openid profile',
  });
}

async function expectTokens(res: Response, scope = 'openid profile'): Promise<Json> {
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error_description'] }).toEqual({ status: 200, error: undefined });
  expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
  expect(body).toMatchObject({ token_type: 'Bearer', scope });
  return body;
}

async function userinfoOf(accessToken: string): Promise<Json> {
  const res = await userinfo(t, accessToken);
  const body = await jsonOf(res);
  expect({ status: res.status, error: body['error'] }).toEqual({ status: 200, error: undefined });
  return body;
}

const generatedName = 'Autogenerated user from application App fed (client credentials JWT)';

describe('JWTs of federated sources', () => {
  it.each<[string, As]>([
    ['client_assertion', 'client_assertion'],
    ['client_secret', 'client_secret'],
  ])('exchanges an RS256 JWT of an inline-JWKS source sent as %s for tokens of the service account <slug>-<sub>', async (_name, as) => {
    const claims = ciClaims({ sub: `runner-${as}` });
    const body = await expectTokens(await exchange(await signWith(rsa, claims), { as }));
    const username = `fed-runner-${as}`;
    const account = await t.stores.users.findByUsername(username);
    expect(account).toEqual({
      id: expect.any(String),
      uuid: account?.id,
      username,
      name: generatedName,
      email: null,
      emailVerified: false,
      groups: [],
      attributes: { 'gatehouse.io/user/generated': true, 'gatehouse.io/federation/source': 'ci' },
      isActive: true,
      type: 'service_account',
      expiresAt: claims.exp,
    });
    expect(await userinfoOf(body['access_token'])).toMatchObject({ preferred_username: username, name: generatedName });
    expect(decodeJwt(body['access_token'])).toMatchObject({ client_id: fed.clientId, aud: fed.clientId, scope: 'openid profile' });
  });

  it.each<[string, As]>([
    ['client_assertion', 'client_assertion'],
    ['client_secret', 'client_secret'],
  ])('exchanges a Kubernetes ES256 token of a jwks_uri source sent as %s, mapping nested claims to attributes', async (_name, as) => {
    const claims = k8sClaims({ sub: `system:serviceaccount:ci:builder-${as}` });
    const body = await expectTokens(await exchange(await signWith(ec, claims), { as }));
    const username = `fed-system:serviceaccount:ci:builder-${as}`;
    const account = await t.stores.users.findByUsername(username);
    expect(account).toEqual({
      id: expect.any(String),
      uuid: account?.id,
      username,
      name: generatedName,
      email: null,
      emailVerified: false,
      groups: [],
      attributes: {
        namespace: 'ci',
        serviceAccount: 'builder',
        'gatehouse.io/user/generated': true,
        'gatehouse.io/federation/source': 'k8s',
      },
      isActive: true,
      type: 'service_account',
      expiresAt: claims.exp,
    });
    expect((await userinfoOf(body['access_token']))['preferred_username']).toBe(username);
  });

  it('behaves the same for grant_type=password', async () => {
    const body = await expectTokens(await exchange(await signWith(rsa, ciClaims({ sub: 'password-runner' })), { grantType: 'password' }));
    expect((await userinfoOf(body['access_token']))['preferred_username']).toBe('fed-password-runner');
    expect(seen.map((context) => context.grantType)).toEqual(['password']);
  });

  it('fetches the jwks_uri once and serves later assertions from the cache', async () => {
    await expectTokens(await exchange(await signWith(ec, k8sClaims())));
    const fetched = jwks.requests();
    expect(fetched).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) await expectTokens(await exchange(await signWith(ec, k8sClaims())));
    expect(jwks.requests()).toBe(fetched);
  });

  it('expires the service account with the JWT: its access token stops working at userinfo; a new JWT renews it', async () => {
    const claims = ciClaims({ sub: 'short-lived', exp: clock.now() + 120 });
    const body = await expectTokens(await exchange(await signWith(rsa, claims)));
    expect(body['expires_in']).toBe(3600);
    clock.advance(119);
    expect((await userinfoOf(body['access_token']))['preferred_username']).toBe('fed-short-lived');
    clock.advance(1);
    const res = await userinfo(t, body['access_token']);
    expect(res.status).toBe(401);
    expect((await jsonOf(res))['error']).toBe('invalid_token');

    const renewed = ciClaims({ sub: 'short-lived' });
    const again = await expectTokens(await exchange(await signWith(rsa, renewed)));
    expect((await t.stores.users.findByUsername('fed-short-lived'))!.expiresAt).toBe(renewed.exp);
    expect((await userinfoOf(again['access_token']))['preferred_username']).toBe('fed-short-lived');
  });

  it('shows the policy hook the parsed JWT, the grant type and the scopes; a denial is invalid_grant', async () => {
    const claims = k8sClaims({ sub: 'system:serviceaccount:ci:policy' });
    await expectTokens(await exchange(await signWith(ec, claims), { scope: 'openid profile unknown' }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ grantType: 'client_credentials', scopes: ['openid', 'profile'], jwt: claims, codeVerifier: undefined, redirectUri: undefined });
    expect(seen[0]!.user.username).toBe('fed-system:serviceaccount:ci:policy');

    policy = (context) => (context.jwt?.['kubernetes.io'] as { namespace?: string } | undefined)?.namespace === 'ci';
    await expectTokens(await exchange(await signWith(ec, k8sClaims())));
    const otherNamespace = k8sClaims({ 'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'deployer' } } });
    await expectTokenError(await exchange(await signWith(ec, otherNamespace)), 400, 'invalid_grant', 'the client may not use this application with these scopes');
  });
});

describe('refused JWTs (invalid_grant)', () => {
  const cases: [string, () => Promise<string>][] = [
    ['a kid of no trusted key', () => signWith(rogueRsa, ciClaims(), { kid: 'unknown-kid' })],
    ['no kid, signed by an untrusted key', () => signWith(rogueRsa, ciClaims(), { kid: null })],
    ['a kid pointing at a trusted RSA key, signed by another key', () => signWith(rogueRsa, ciClaims())],
    ['a kid pointing at a trusted EC key (jwks_uri), signed by another key', () => signWith(rogueEc, k8sClaims())],
    ['an expired JWT', async () => signWith(rsa, ciClaims({ exp: clock.now() - 1 }))],
    ['a JWT expiring this very second', async () => signWith(rsa, ciClaims({ exp: clock.now() }))],
    ['a JWT without exp', () => new SignJWT({ iss: ciIssuer, sub: 'no-exp', jti: nextJti() }).setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).sign(rsa.privateKey)],
    ['a JWT not valid yet (nbf)', () => signWith(rsa, ciClaims({ nbf: clock.now() + 120 }))],
    ['alg none with the kid of a trusted key', async () => unsecuredJwt(ciClaims(), rsa.kid)],
    ['alg none without kid', async () => unsecuredJwt(ciClaims())],
    ['HS256 keyed with the trusted RSA public key (PEM)', async () => hs256Jwt(ciClaims(), await publicPem(rsa), rsa.kid)],
    ['HS256 keyed with the trusted RSA public key (JWK JSON)', async () => hs256Jwt(ciClaims(), JSON.stringify(rsa.publicJwk), rsa.kid)],
    ['HS256 keyed with an RSA public key whose JWK has no alg', async () => hs256Jwt(ciClaims(), await publicPem(rsaNoAlg), rsaNoAlg.kid)],
    ['HS256 keyed with the jwks_uri EC public key', async () => hs256Jwt(k8sClaims(), await publicPem(ec), ec.kid)],
    ['a Kubernetes token of another issuer', () => signWith(ec, k8sClaims({ iss: 'https://evil.example.com' }))],
    ['a Kubernetes token for another audience', () => signWith(ec, k8sClaims({ aud: ['vault'] }))],
    ['a Kubernetes token without audience', () => signWith(ec, k8sClaims({ aud: undefined }))],
    ['a malformed JWT', async () => 'not.a.jwt'],
  ];

  it.each(cases)('refuses %s', async (_case, make) => {
    const assertion = await make();
    await expectTokenError(await exchange(assertion), 400, 'invalid_grant', denied);
    await expectTokenError(await exchange(assertion, { as: 'client_secret' }), 400, 'invalid_grant', denied);
    expect(seen).toEqual([]);
  });

  it('refuses a replayed jti, however it is sent', async () => {
    const assertion = await signWith(rsa, ciClaims({ sub: 'replayer' }));
    await expectTokens(await exchange(assertion));
    await expectTokenError(await exchange(assertion), 400, 'invalid_grant', denied);
    await expectTokenError(await exchange(assertion, { as: 'client_secret' }), 400, 'invalid_grant', denied);
    // A new jti from the same subject is fine.
    await expectTokens(await exchange(await signWith(rsa, ciClaims({ sub: 'replayer' }))));
  });

  it('refuses a valid JWT with a wrong or empty client_assertion_type', async () => {
    const assertion = await signWith(rsa, ciClaims());
    await expectTokenError(await exchange(assertion, { type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), 400, 'invalid_grant', denied);
    await expectTokenError(
      await postForm(t, tokenPath, { grant_type: 'client_credentials', client_id: fed.clientId, client_assertion_type: jwtBearer, scope: 'openid' }),
      400,
      'invalid_grant',
      denied,
    );
    // Unused so far: still good.
    await expectTokens(await exchange(assertion));
  });

  it('refuses a source JWT at an application that does not federate with the source', async () => {
    await expectTokenError(await exchange(await signWith(rsa, ciClaims()), { clientId: unlistedApp.clientId }), 400, 'invalid_grant', denied);
  });
});

describe('access tokens of federated applications (jwtFederationProviders)', () => {
  it('exchanges an access token of a listed application for tokens of its user', async () => {
    const upstream = await obtainTokens(t, issuerApp, { scope: 'openid profile email' });
    for (const as of ['client_assertion', 'client_secret'] as const) {
      const body = await expectTokens(await exchange(upstream.access_token, { as, scope: 'openid profile email' }), 'openid profile email');
      expect(await userinfoOf(body['access_token'])).toMatchObject({ preferred_username: 'alice', email: 'alice@example.com' });
      expect(decodeJwt(body['access_token'])).toMatchObject({ client_id: fed.clientId, aud: fed.clientId });
    }
    expect(seen.map((context) => [context.user.username, context.jwt])).toEqual([
      ['alice', decodeJwt(upstream.access_token)],
      ['alice', decodeJwt(upstream.access_token)],
    ]);
    // No service account is made for a person.
    expect(await t.stores.users.findByUsername(`fed-${decodeJwt(upstream.access_token).sub}`)).toBeNull();
  });

  it('refuses an access token of an application that is not listed', async () => {
    const upstream = await obtainTokens(t, unlistedApp, { scope: 'openid profile' });
    await expectTokenError(await exchange(upstream.access_token), 400, 'invalid_grant', denied);
  });

  it('refuses an access token of this very application (not listed as its own provider)', async () => {
    const own = await obtainTokens(t, fed, { scope: 'openid profile' });
    await expectTokenError(await exchange(own.access_token), 400, 'invalid_grant', denied);
  });

  it('refuses a revoked access token', async () => {
    const upstream = await obtainTokens(t, issuerApp, { scope: 'openid profile' });
    await t.stores.accessTokens.revoke(decodeJwt(upstream.access_token).jti as string, clock.now());
    await expectTokenError(await exchange(upstream.access_token), 400, 'invalid_grant', denied);
  });

  it('refuses the access token of a deactivated user', async () => {
    const upstream = await obtainTokens(t, issuerApp, { scope: 'openid profile' }, { user: dora.id });
    await expectTokens(await exchange(upstream.access_token));
    await t.stores.users.save({ ...dora, isActive: false });
    try {
      await expectTokenError(await exchange(upstream.access_token), 400, 'invalid_grant', denied);
    } finally {
      await t.stores.users.save(dora);
    }
  });

  it('refuses a tampered access token', async () => {
    const upstream = await obtainTokens(t, issuerApp, { scope: 'openid profile' });
    const [header, payload, signature] = upstream.access_token.split('.') as [string, string, string];
    const claims = { ...decodeJwt(upstream.access_token), scope: 'openid profile email' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(tampered).not.toBe(`${header}.${payload}.${signature}`);
    await expectTokenError(await exchange(tampered), 400, 'invalid_grant', denied);
  });

  it('refuses an expired access token (runs last: moves the clock an hour)', async () => {
    const upstream = await obtainTokens(t, issuerApp, { scope: 'openid profile' });
    clock.advance(3600);
    await expectTokenError(await exchange(upstream.access_token), 400, 'invalid_grant', denied);
  });
});
