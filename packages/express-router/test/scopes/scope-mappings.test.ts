// Scope mappings (behaviour spec §4.1): the built-in openid/profile/email/offline_access/entitlements
// mappings, custom function and declarative mappings from config, the deep merge in scope-name
// order, and a broken mapping being skipped (and reported) while everything else still works.
import { declarativeScopeMapping, type AuditEvent, type ScopeMapping } from '@gatehouse/core';
import { makeUser } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  customClient,
  exchangeCode,
  jsonOf,
  obtainCode,
  obtainTokens,
  startTestServer,
  testUser,
  userinfo,
  type TestServer,
} from '../fixtures.js';

const carol = makeUser({
  id: 'user-carol',
  username: 'carol',
  name: 'Carol Jones',
  email: 'carol@example.com',
  emailVerified: false,
  groups: ['research'],
  attributes: {
    given_name: 'Carol',
    family_name: 'Jones',
    department: 'R&D',
    org: { unit: 'Labs' },
    entitlements: { mappings: ['reader', 'writer'], other: ['admin'] },
  },
});
/** No email address at all. */
const dave = makeUser({ id: 'user-dave', username: 'dave', name: 'Dave', email: null, emailVerified: false, groups: [] });
/** Empty name attributes count as unknown. */
const erin = makeUser({ id: 'user-erin', username: 'erin', name: 'Erin Ray', groups: [], attributes: { given_name: '', family_name: '' } });

const { client: app, application } = customClient('mappings', {
  scopes: [
    'openid',
    'profile',
    'email',
    'offline_access',
    'entitlements',
    'department',
    'sync-custom',
    'async-custom',
    'silent',
    'alpha',
    'zeta',
    'groups-extra',
    'broken',
    'stringy',
    'protocol',
    'session-claims',
  ],
});

const mappings: ScopeMapping[] = [
  {
    scope: 'sync-custom',
    description: 'A sync mapping',
    claimNames: ['sync_claim', 'seen_scopes'],
    claims: (user, context) => ({ sync_claim: `${user.username}@${context.application.slug}`, seen_scopes: [...context.scopes] }),
  },
  {
    scope: 'async-custom',
    description: 'An async mapping',
    claims: async (user) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { async_claim: `uuid:${user.uuid}` };
    },
  },
  { scope: 'silent', description: 'Returns nothing', claims: () => ({}) },
  declarativeScopeMapping('department', 'Your department', {
    department: 'user.attributes.department',
    unit: 'user.attributes.org.unit',
    member_of: 'user.groups',
    cost_center: 'user.attributes.cost_center',
  }),
  {
    scope: 'alpha',
    description: 'Alpha',
    claims: () => ({ address: { street_address: 'A street', country: 'A-land' }, tags: ['a1', 'a2'], level: 'alpha', only_alpha: true }),
  },
  {
    scope: 'zeta',
    description: 'Zeta',
    claims: () => ({ address: { locality: 'Z town', country: 'Z-land' }, tags: ['z1'], level: 'zeta' }),
  },
  // Sorts between `entitlements` and `profile`: its groups come before the built-in ones.
  { scope: 'groups-extra', description: 'Extra groups', claims: () => ({ groups: ['extra'] }) },
  {
    scope: 'broken',
    description: 'Throws',
    claims: () => {
      throw new Error('boom');
    },
  },
  { scope: 'stringy', description: 'Returns a string', claims: () => 'not an object' as unknown as Record<string, unknown> },
  {
    scope: 'session-claims',
    description: 'Tries to set the session claims the protocol leaves out',
    claims: () => ({ amr: ['mfa'], sid: 'mapped-sid', nonce: 'mapped-nonce' }),
  },
  {
    scope: 'protocol',
    description: 'Tries to change protocol claims',
    claims: () => ({ sub: 'mapped-sub', iss: 'https://evil.example', aud: 'someone-else', azp: 'someone-else', acr: 'mapped-acr', protocol_claim: 'kept' }),
  },
];

const hookEvents: AuditEvent[] = [];

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    applications: [application],
    users: [carol, dave, erin],
    scopeMappings: mappings,
    hooks: { onEvent: (event) => void hookEvents.push(event) },
  });
});
afterAll(() => t.close());

/** The token response, its decoded ID and access tokens, and the userinfo answer, for `scope` as `user`. */
async function claimsFor(scope: string, user = testUser.id) {
  const tokens = await obtainTokens(t, app, { scope }, { user });
  const res = await userinfo(t, tokens.access_token);
  expect(res.status).toBe(200);
  return { tokens, idToken: decodeJwt(tokens.id_token!), accessToken: decodeJwt(tokens.access_token), userinfo: await jsonOf(res), res };
}

/** Claims of every ID token of this application whatever the scopes (nonce absent: none requested). */
const idTokenProtocolClaims = ['acr', 'at_hash', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'iss', 'jti', 'sub'];
const accessTokenProtocolClaims = ['acr', 'aud', 'auth_time', 'azp', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub'];
const withoutProtocolClaims = (payload: Record<string, unknown>, protocol: readonly string[]) =>
  Object.fromEntries(Object.entries(payload).filter(([name]) => !protocol.includes(name)));

describe('built-in profile mapping', () => {
  it('answers name, given_name = name, preferred_username, nickname and groups, and no family_name when none is known', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid profile');
    const expected = {
      name: 'Alice Example',
      given_name: 'Alice Example',
      preferred_username: 'alice',
      nickname: 'alice',
      groups: ['engineering', 'admins'],
    };
    expect(body).toEqual({ sub: idToken.sub, ...expected });
    expect(body).not.toHaveProperty('family_name');
    expect(withoutProtocolClaims(idToken, idTokenProtocolClaims)).toEqual(expected);
  });

  it('takes given_name and family_name from the user attributes when they are set', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid profile', carol.id);
    const expected = {
      name: 'Carol Jones',
      given_name: 'Carol',
      family_name: 'Jones',
      preferred_username: 'carol',
      nickname: 'carol',
      groups: ['research'],
    };
    expect(body).toEqual({ sub: idToken.sub, ...expected });
    expect(withoutProtocolClaims(idToken, idTokenProtocolClaims)).toEqual(expected);
  });

  it('treats empty given_name and family_name attributes as unknown', async () => {
    const { userinfo: body } = await claimsFor('openid profile', erin.id);
    expect(body['given_name']).toBe('Erin Ray');
    expect(body).not.toHaveProperty('family_name');
    expect(body['groups']).toEqual([]);
  });
});

describe('built-in email mapping', () => {
  it('answers email and email_verified', async () => {
    const alice = await claimsFor('openid email');
    expect(alice.userinfo).toEqual({ sub: alice.idToken.sub, email: 'alice@example.com', email_verified: true });
    const unverified = await claimsFor('openid email', carol.id);
    expect(unverified.userinfo).toEqual({ sub: unverified.idToken.sub, email: 'carol@example.com', email_verified: false });
    expect(unverified.idToken).toMatchObject({ email: 'carol@example.com', email_verified: false });
  });

  it('adds nothing, not even email_verified, when the user has no email address', async () => {
    const { userinfo: body, idToken, accessToken } = await claimsFor('openid email', dave.id);
    expect(body).toEqual({ sub: idToken.sub });
    expect(Object.keys(idToken).sort()).toEqual(idTokenProtocolClaims);
    expect(Object.keys(accessToken).sort()).toEqual(accessTokenProtocolClaims);
  });
});

describe('built-in entitlements mapping', () => {
  it('answers the entitlements of this application (by slug) as entitlements and roles', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid entitlements', carol.id);
    expect(body).toEqual({ sub: idToken.sub, entitlements: ['reader', 'writer'], roles: ['reader', 'writer'] });
    expect(idToken).toMatchObject({ entitlements: ['reader', 'writer'], roles: ['reader', 'writer'] });
  });

  it('answers empty lists for a user without entitlements', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid entitlements');
    expect(body).toEqual({ sub: idToken.sub, entitlements: [], roles: [] });
  });
});

describe('openid and offline_access', () => {
  it('add no claims', async () => {
    const { userinfo: body, idToken, accessToken, tokens } = await claimsFor('openid offline_access');
    expect(tokens.scope).toBe('openid offline_access');
    expect(body).toEqual({ sub: idToken.sub });
    expect(Object.keys(idToken).sort()).toEqual(idTokenProtocolClaims);
    expect(Object.keys(accessToken).sort()).toEqual(accessTokenProtocolClaims);
  });
});

describe('custom function mappings from config', () => {
  it('adds the claims of a sync mapping, which sees the application and every scope of the token', async () => {
    const { userinfo: body, idToken, accessToken } = await claimsFor('openid sync-custom email');
    const expected = { sync_claim: 'alice@mappings', seen_scopes: ['openid', 'sync-custom', 'email'] };
    expect(body).toEqual({ sub: idToken.sub, email: 'alice@example.com', email_verified: true, ...expected });
    expect(idToken).toMatchObject(expected);
    expect(accessToken).toMatchObject(expected);
  });

  it('awaits an async mapping', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid async-custom');
    expect(body).toEqual({ sub: idToken.sub, async_claim: `uuid:${testUser.uuid}` });
    expect(idToken['async_claim']).toBe(`uuid:${testUser.uuid}`);
  });

  it('adds nothing for a mapping that returns an empty object, and records no error', async () => {
    const before = t.stores.recordedEvents.length;
    const { userinfo: body, idToken } = await claimsFor('openid silent');
    expect(body).toEqual({ sub: idToken.sub });
    expect(t.stores.recordedEvents.slice(before).filter((event) => event.action === 'configuration_error')).toEqual([]);
  });
});

describe('declarative mappings', () => {
  it('reads attributes, nested attributes and groups by path', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid department', carol.id);
    const expected = { department: 'R&D', unit: 'Labs', member_of: ['research'] };
    expect(body).toEqual({ sub: idToken.sub, ...expected });
    expect(withoutProtocolClaims(idToken, idTokenProtocolClaims)).toEqual(expected);
  });

  it('leaves out a claim whose path has no value', async () => {
    const { userinfo: body, idToken } = await claimsFor('openid department');
    expect(body).toEqual({ sub: idToken.sub, member_of: ['engineering', 'admins'] });
    for (const claim of ['department', 'unit', 'cost_center']) {
      expect(body).not.toHaveProperty(claim);
      expect(idToken).not.toHaveProperty(claim);
    }
  });
});

describe('deep merge', () => {
  it('merges objects, concatenates arrays and lets the later scalar win, in scope-name order whatever the request order', async () => {
    const { userinfo: body, idToken, accessToken } = await claimsFor('zeta openid alpha');
    const merged = {
      address: { street_address: 'A street', country: 'Z-land', locality: 'Z town' },
      tags: ['a1', 'a2', 'z1'],
      level: 'zeta',
      only_alpha: true,
    };
    expect(body).toEqual({ sub: idToken.sub, ...merged });
    expect(withoutProtocolClaims(idToken, idTokenProtocolClaims)).toEqual(merged);
    expect(withoutProtocolClaims(accessToken, accessTokenProtocolClaims)).toEqual(merged);
  });

  it('concatenates the arrays of a custom mapping and of a built-in one in scope-name order', async () => {
    const { userinfo: body, idToken } = await claimsFor('profile groups-extra openid');
    expect(body['groups']).toEqual(['extra', 'engineering', 'admins']);
    expect(idToken['groups']).toEqual(['extra', 'engineering', 'admins']);
  });
});

describe('mappings and protocol claims', () => {
  it('keeps sub, iss, aud, azp and acr of the protocol in the tokens and at userinfo, and the mapping’s other claims', async () => {
    const { userinfo: body, idToken, accessToken } = await claimsFor('openid protocol');
    expect(idToken).toMatchObject({ iss: t.issuer('mappings'), aud: app.clientId, azp: app.clientId, acr: 'urn:gatehouse:acr:default', protocol_claim: 'kept' });
    expect(accessToken).toMatchObject({ iss: t.issuer('mappings'), aud: app.clientId, azp: app.clientId, protocol_claim: 'kept' });
    expect(idToken.sub).not.toBe('mapped-sub');
    expect(accessToken.sub).toBe(idToken.sub);
    // OIDC Core §5.3.2: the sub of the UserInfo response MUST equal the sub of the ID token.
    expect(body['sub']).toBe(idToken.sub);
    expect(body['protocol_claim']).toBe('kept');
  });

  // Protocol claims belong to the protocol: a mapping cannot claim an MFA login, a session or a
  // nonce that never happened.
  it('does not let a mapping set amr, sid or nonce that the session and request do not have', async () => {
    const { idToken, accessToken } = await claimsFor('openid session-claims');
    for (const payload of [idToken, accessToken]) {
      expect(payload).not.toHaveProperty('amr');
      expect(payload).not.toHaveProperty('sid');
      expect(payload).not.toHaveProperty('nonce');
    }
  });
});

describe('a broken mapping', () => {
  const configurationErrors = (events: readonly AuditEvent[]) => events.filter((event) => event.action === 'configuration_error');

  it('is skipped at the token endpoint: the other claims are in the ID token, and a configuration_error event is recorded and seen by onEvent', async () => {
    const recorded = t.stores.recordedEvents.length;
    const hooked = hookEvents.length;
    const code = await obtainCode(t, app, { scope: 'openid broken profile stringy email' });
    const res = await exchangeCode(t, app, code);
    expect(res.status).toBe(200);
    const tokens = await jsonOf(res);
    expect(tokens['scope']).toBe('openid broken profile stringy email');
    const idToken = decodeJwt(tokens['id_token']);
    expect(idToken).toMatchObject({ name: 'Alice Example', preferred_username: 'alice', email: 'alice@example.com', email_verified: true });
    expect(decodeJwt(tokens['access_token'])).toMatchObject({ name: 'Alice Example', email: 'alice@example.com' });

    const expected = [
      {
        action: 'configuration_error',
        at: expect.any(Number),
        applicationId: application.id,
        userId: testUser.id,
        requestId: res.headers.get('x-request-id'),
        context: { message: "Failed to evaluate scope mapping: 'broken'", error: 'boom' },
      },
      {
        action: 'configuration_error',
        at: expect.any(Number),
        applicationId: application.id,
        userId: testUser.id,
        requestId: res.headers.get('x-request-id'),
        context: { message: "Failed to evaluate scope mapping: 'stringy'", error: expect.any(String) },
      },
    ];
    expect(configurationErrors(t.stores.recordedEvents.slice(recorded))).toEqual(expected);
    expect(configurationErrors(hookEvents.slice(hooked))).toEqual(expected);
  });

  it('is skipped at userinfo: the other claims are answered, and a configuration_error event is recorded and seen by onEvent', async () => {
    const tokens = await obtainTokens(t, app, { scope: 'openid broken profile stringy email' });
    const recorded = t.stores.recordedEvents.length;
    const hooked = hookEvents.length;
    const res = await userinfo(t, tokens.access_token);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      sub: decodeJwt(tokens.id_token!).sub,
      name: 'Alice Example',
      given_name: 'Alice Example',
      preferred_username: 'alice',
      nickname: 'alice',
      groups: ['engineering', 'admins'],
      email: 'alice@example.com',
      email_verified: true,
    });
    const errors = configurationErrors(t.stores.recordedEvents.slice(recorded));
    expect(errors.map((event) => event.context?.['message'])).toEqual([
      "Failed to evaluate scope mapping: 'broken'",
      "Failed to evaluate scope mapping: 'stringy'",
    ]);
    expect(errors.every((event) => event.requestId === res.headers.get('x-request-id'))).toBe(true);
    expect(configurationErrors(hookEvents.slice(hooked))).toEqual(errors);
  });
});

describe('a custom mapping for a built-in scope', () => {
  let replaced: TestServer;
  const { client: replacedClient, application: replacedApplication } = customClient('replaced-profile');
  beforeAll(async () => {
    replaced = await startTestServer({
      applications: [replacedApplication],
      scopeMappings: [{ scope: 'profile', description: 'Just a display name', claimNames: ['display_name'], claims: (user) => ({ display_name: user.name.toUpperCase() }) }],
    });
  });
  afterAll(() => replaced.close());

  it('replaces the built-in one', async () => {
    const tokens = await obtainTokens(replaced, replacedClient, { scope: 'openid profile email' });
    const body = await jsonOf(await userinfo(replaced, tokens.access_token));
    const idToken = decodeJwt(tokens.id_token!);
    expect(body).toEqual({ sub: idToken.sub, display_name: 'ALICE EXAMPLE', email: 'alice@example.com', email_verified: true });
    expect(withoutProtocolClaims(idToken, idTokenProtocolClaims)).toEqual({ display_name: 'ALICE EXAMPLE', email: 'alice@example.com', email_verified: true });
  });
});
