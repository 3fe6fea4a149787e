import * as client from 'openid-client';
import { fetchJwks, verifyWithJwks } from './jose-checks.js';
import { clientFor, codeFlow, seedApplication } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const alice = { username: 'alice', password: 'Alice-Password-42!' };
const bob = { username: 'bob', password: 'Bob-Password-42!' };
const carol = { username: 'carol', password: 'Carol-Password-42!' };

const seed = {
  groups: [{ name: 'engineering' }, { name: 'research' }],
  scope_mappings: [
    { scope: 'department', description: 'Your department', claims: { department: 'user.attributes.department', teams: 'user.groups' } },
    { scope: 'cost_center', description: 'Your cost center & <manager>', claims: { cost_center: 'user.attributes.finance.cost_center' } },
  ],
  users: [
    { ...alice, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['engineering', 'research'], attributes: { department: 'Research' } },
    // No department attribute: the claim is left out, not sent empty.
    { ...bob, name: 'Bob Builder', email: 'bob@example.com', groups: [] },
    { ...carol, name: 'Carol Danvers', email: null, groups: ['research'], attributes: { department: 'Flight', finance: { cost_center: 'CC-7' } } },
  ],
  keys: [{ name: 'sig', alg: 'ES256' }],
  applications: [
    seedApplication('dept', { signing_key: 'sig', scopes: ['openid', 'profile', 'email', 'department'] }),
    seedApplication('userinfo-only', { signing_key: 'sig', scopes: ['openid', 'department', 'cost_center'], include_claims_in_id_token: false }),
    seedApplication('plain', { signing_key: 'sig' }),
  ],
};

const standardClaims = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'azp', 'sid', 'jti', 'at_hash'];

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider(seed);
});
afterAll(() => provider.close());

const discoveryOf = async (slug: string) =>
  (await (await fetch(`${provider.baseUrl}/application/o/${slug}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[]; claims_supported: string[] };
/** The scope descriptions listed on a consent page, as a person reads them. */
const listedOn = (html: string): string[] => [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, text]) => text!);

describe('scope mappings declared in the seed file', () => {
  it('are advertised in discovery by the applications that select them, and only by those', async () => {
    const dept = await discoveryOf('dept');
    expect(dept.scopes_supported).toEqual(['openid', 'profile', 'email', 'department']);
    expect(dept.claims_supported).toEqual([
      ...standardClaims,
      'name', 'given_name', 'family_name', 'preferred_username', 'nickname', 'groups',
      'email', 'email_verified',
      'department', 'teams',
    ]);
    const userinfoOnly = await discoveryOf('userinfo-only');
    expect(userinfoOnly.scopes_supported).toEqual(['openid', 'department', 'cost_center']);
    expect(userinfoOnly.claims_supported).toEqual([...standardClaims, 'department', 'teams', 'cost_center']);
    const plain = await discoveryOf('plain');
    expect(plain.scopes_supported).toEqual(['openid', 'profile', 'email']);
    expect(plain.claims_supported).not.toContain('department');
    expect(plain.claims_supported).not.toContain('teams');
  });

  it('shows the mapping’s description on the consent page and puts its claims in the ID token and userinfo', async () => {
    const config = await clientFor(provider.baseUrl, 'dept', { id_token_signed_response_alg: 'ES256' });
    const { tokens, pagesSeen, htmlSeen } = await codeFlow(config, alice, 'openid profile email department');
    expect(pagesSeen).toEqual(['login', 'consent']);
    expect(listedOn(htmlSeen[1]!)).toEqual(['Sign you in', 'Your name, username and groups', 'Your email address', 'Your department']);
    expect(tokens.scope).toBe('openid profile email department');

    const idToken = verifyWithJwks(tokens.id_token!, await fetchJwks(`${provider.baseUrl}/application/o/dept/jwks/`));
    expect(idToken).toMatchObject({ department: 'Research', teams: ['engineering', 'research'], groups: ['engineering', 'research'], email: 'alice@example.com' });
    const sub = tokens.claims()!.sub;
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toEqual({
      sub,
      name: 'Alice Liddell',
      given_name: 'Alice Liddell',
      preferred_username: 'alice',
      nickname: 'alice',
      groups: ['engineering', 'research'],
      email: 'alice@example.com',
      email_verified: true,
      department: 'Research',
      teams: ['engineering', 'research'],
    });
  });

  it('leaves out a claim whose user field has no value', async () => {
    const config = await clientFor(provider.baseUrl, 'dept');
    const { tokens } = await codeFlow(config, bob, 'openid department');
    const sub = tokens.claims()!.sub;
    expect(tokens.claims()).not.toHaveProperty('department');
    expect(tokens.claims()!['teams']).toEqual([]);
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toEqual({ sub, teams: [] });
  });

  it('adds nothing when the scope is not asked for', async () => {
    const config = await clientFor(provider.baseUrl, 'dept');
    const { tokens, htmlSeen } = await codeFlow(config, alice, 'openid email');
    expect(listedOn(htmlSeen[1]!)).toEqual(['Sign you in', 'Your email address']);
    const sub = tokens.claims()!.sub;
    expect(tokens.claims()).not.toHaveProperty('department');
    expect(tokens.claims()).not.toHaveProperty('teams');
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toEqual({ sub, email: 'alice@example.com', email_verified: true });
  });

  it('is dropped for an application that does not select it', async () => {
    const config = await clientFor(provider.baseUrl, 'plain');
    const { tokens, htmlSeen } = await codeFlow(config, alice, 'openid department');
    expect(listedOn(htmlSeen[1]!)).toEqual(['Sign you in']);
    expect(tokens.scope).toBe('openid');
    const sub = tokens.claims()!.sub;
    expect(tokens.claims()).not.toHaveProperty('department');
    expect(await client.fetchUserInfo(config, tokens.access_token, sub)).toEqual({ sub });
  });

  it('with include_claims_in_id_token off: claims only in userinfo, computed when asked; descriptions escaped on the page', async () => {
    const config = await clientFor(provider.baseUrl, 'userinfo-only');
    const { tokens, htmlSeen } = await codeFlow(config, carol, 'openid department cost_center');
    expect(listedOn(htmlSeen[1]!)).toEqual(['Sign you in', 'Your department', 'Your cost center &amp; &lt;manager&gt;']);
    const idToken = tokens.claims()!;
    expect(idToken).not.toHaveProperty('department');
    expect(idToken).not.toHaveProperty('teams');
    expect(idToken).not.toHaveProperty('cost_center');
    expect(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)).toEqual({ sub: idToken.sub, department: 'Flight', teams: ['research'], cost_center: 'CC-7' });

    // userinfo reads the user as it is now.
    const user = (await provider.stores.users.findByUsername('carol'))!;
    await provider.stores.users.save({ ...user, groups: ['engineering', 'research'], attributes: { ...user.attributes, department: 'Command' } });
    expect(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)).toEqual({
      sub: idToken.sub, department: 'Command', teams: ['engineering', 'research'], cost_center: 'CC-7',
    });
  });

  it('freezes the claims of the ID token at issue time when they are included', async () => {
    const user = (await provider.stores.users.findByUsername('alice'))!;
    const config = await clientFor(provider.baseUrl, 'dept');
    const { tokens } = await codeFlow(config, alice, 'openid department');
    expect(tokens.claims()).toMatchObject({ department: 'Research' });
    try {
      await provider.stores.users.save({ ...user, attributes: { ...user.attributes, department: 'Sales' } });
      expect(await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toEqual({
        sub: tokens.claims()!.sub, department: 'Sales', teams: ['engineering', 'research'],
      });
      // A token issued now carries the new value.
      const { tokens: later } = await codeFlow(config, alice, 'openid department');
      expect(later.claims()).toMatchObject({ department: 'Sales' });
    } finally {
      await provider.stores.users.save(user);
    }
  });
});
