// Genuine GitHub clients, unmodified, against the reference provider (issue 7): passport-github2
// in a small Express relying party, and Octokit (@octokit/oauth-methods for the web flow,
// @octokit/rest for the API) with the provider as their GitHub Enterprise base URL.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as GitHubStrategy, type Profile, type StrategyOptions } from 'passport-github2';
import { exchangeWebFlowCode, getWebFlowAuthorizationUrl } from '@octokit/oauth-methods';
import { request } from '@octokit/request';
import { Octokit } from '@octokit/rest';
import { Browser } from './browser.js';
import { callback, person } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const secret = (slug: string) => `${slug}-secret-0123456789abcdefghijklmnop`;
const application = (slug: string, redirectUri: string) => ({
  slug,
  name: `GitHub client ${slug}`,
  client_id: `${slug}-client`,
  client_secret: secret(slug),
  redirect_uris: [{ matching_mode: 'strict', url: redirectUri }],
  // Nothing GitHub-specific: the GitHub scopes are accepted on the GitHub routes anyway.
  scopes: ['openid', 'profile', 'email'],
  signing_key: 'ec',
  consent: 'explicit',
});

/** What the relying party's callback answers: what passport-github2 handed to the verify callback. */
interface SignedIn {
  readonly accessToken: string;
  readonly profile: Omit<Profile, '_raw'>;
}

/** A relying party that signs in with passport-github2 pointed at the provider. */
function relyingParty(providerUrl: string, rpUrl: string, scope: readonly string[]): express.Express {
  const options = {
    clientID: 'passport-client',
    clientSecret: secret('passport'),
    callbackURL: `${rpUrl}/auth/github/callback`,
    authorizationURL: `${providerUrl}/login/oauth/authorize`,
    tokenURL: `${providerUrl}/login/oauth/access_token`,
    userProfileURL: `${providerUrl}/api/v3/user`,
    userEmailURL: `${providerUrl}/api/v3/user/emails`,
    scope: [...scope],
    // passport-oauth2's `state: true` keeps a random state in the session and checks it on the
    // callback; @types/passport-github2 declares `state` as a string.
    state: true,
  };
  const passport = new Passport();
  passport.use(
    new GitHubStrategy(
      options as unknown as StrategyOptions,
      (accessToken: string, _refreshToken: string, profile: Profile, done: (error: unknown, user: SignedIn) => void) => {
        const { _raw, ...rest } = profile as Profile & { _raw: string };
        done(null, { accessToken, profile: rest });
      },
    ),
  );
  const app = express();
  app.use(session({ name: 'rp.sid', secret: 'relying-party-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/auth/github', passport.authenticate('github', { session: false }));
  app.get('/auth/github/callback', passport.authenticate('github', { session: false, failWithError: true }), (req, res) => void res.json(req.user));
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({ error: error.message }));
  return app;
}

let provider: RunningProvider;
let rpServer: Server;
let rpUrl: string;
beforeAll(async () => {
  // The relying party listens first: its callback URL goes into the seed as a strict redirect URI.
  rpServer = createServer();
  rpServer.listen(0, '127.0.0.1');
  await once(rpServer, 'listening');
  rpUrl = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}`;
  provider = await startProvider({
    groups: [{ name: 'engineering' }, { name: 'Site Reliability' }],
    users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['engineering', 'Site Reliability'] }],
    keys: [{ name: 'ec', alg: 'ES256' }],
    applications: [application('passport', `${rpUrl}/auth/github/callback`), application('octokit', callback)],
  });
});
afterAll(async () => {
  rpServer.closeAllConnections();
  await new Promise((resolve) => rpServer.close(resolve));
  await provider.close();
});

/** Runs a sign-in through the relying party with `scope`; returns what passport-github2 produced. */
async function signInWithPassport(scope: readonly string[]): Promise<{ readonly user: SignedIn; readonly consentHtml: string }> {
  rpServer.removeAllListeners('request');
  rpServer.on('request', relyingParty(provider.baseUrl, rpUrl, scope));
  const browser = new Browser();
  const callbackUrl = `${rpUrl}/auth/github/callback`;
  const { callback: returned, pagesSeen, htmlSeen } = await browser.signInAndConsent(`${rpUrl}/auth/github`, callbackUrl, person);
  expect(pagesSeen).toEqual(['login', 'consent']);
  const res = await browser.get(returned);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`the relying party answered ${res.status}: ${body}`);
  return { user: JSON.parse(body) as SignedIn, consentHtml: htmlSeen[1]! };
}

describe('passport-github2', () => {
  it('signs in and receives the profile and the primary email', async () => {
    const { user, consentHtml } = await signInWithPassport(['user:email', 'read:org']);
    expect(consentHtml).toContain('Your email addresses (GitHub-compatible API)');
    expect(user.profile).toMatchObject({
      provider: 'github',
      id: expect.stringMatching(/^\d+$/),
      username: 'alice',
      displayName: 'Alice Liddell',
      profileUrl: `${provider.baseUrl}/alice`,
      emails: [{ value: 'alice@example.com' }],
    });
    // The profile id is the same integer Octokit reads from /user.
    const octokit = new Octokit({ auth: user.accessToken, baseUrl: `${provider.baseUrl}/api/v3` });
    const { data: me } = await octokit.rest.users.getAuthenticated();
    expect(String(me.id)).toBe(user.profile.id);
  });

  it('gets no email without an email scope (passport-github2 does not ask /user/emails then)', async () => {
    const { user } = await signInWithPassport(['read:user']);
    expect(user.profile).toMatchObject({ username: 'alice', displayName: 'Alice Liddell' });
    expect(user.profile.emails).toBeUndefined();
  });
});

describe('Octokit', () => {
  const enterprise = () => request.defaults({ baseUrl: `${provider.baseUrl}/api/v3` });

  /** The web flow as Octokit builds it: its authorization URL, the browser, then its code exchange. */
  async function octokitToken(scopes: string[]) {
    const { url } = getWebFlowAuthorizationUrl({ clientType: 'oauth-app', clientId: 'octokit-client', scopes, state: 'octo-state', request: enterprise() });
    expect(url.startsWith(`${provider.baseUrl}/login/oauth/authorize?`)).toBe(true);
    const { callback: returned } = await new Browser().signInAndConsent(url, callback, person);
    expect(returned.searchParams.get('state')).toBe('octo-state');
    const { authentication } = await exchangeWebFlowCode({
      clientType: 'oauth-app',
      clientId: 'octokit-client',
      clientSecret: secret('octokit'),
      code: returned.searchParams.get('code')!,
      request: enterprise(),
    });
    return authentication;
  }

  it('exchanges the web-flow code and reads /user, /user/emails, /user/teams and /user/orgs', async () => {
    const authentication = await octokitToken(['user', 'read:org']);
    expect(authentication).toMatchObject({ clientType: 'oauth-app', clientId: 'octokit-client', token: expect.any(String) });
    const octokit = new Octokit({ auth: authentication.token, baseUrl: `${provider.baseUrl}/api/v3` });

    const user = await octokit.rest.users.getAuthenticated();
    expect(user.headers['x-oauth-scopes']).toBe('user, read:org');
    expect(user.data).toMatchObject({ login: 'alice', name: 'Alice Liddell', email: 'alice@example.com', type: 'User', site_admin: false });

    const { data: emails } = await octokit.rest.users.listEmailsForAuthenticatedUser();
    expect(emails).toEqual([{ email: 'alice@example.com', primary: true, verified: true, visibility: 'private' }]);

    const { data: teams } = await octokit.rest.teams.listForAuthenticatedUser();
    expect(teams.map((team) => [team.name, team.slug, team.organization.login])).toEqual([
      ['engineering', 'engineering', 'gatehouse'],
      ['Site Reliability', 'site-reliability', 'gatehouse'],
    ]);

    const { data: orgs } = await octokit.rest.orgs.listForAuthenticatedUser();
    expect(orgs.map((org) => org.login)).toEqual(['gatehouse']);

    const membership = await octokit.rest.orgs.checkMembershipForUser({ org: 'gatehouse', username: 'alice' });
    expect(membership.status).toBe(204);
  });

  it('follows the Link header through every page of teams', async () => {
    const { token } = await octokitToken(['read:org']);
    const octokit = new Octokit({ auth: token, baseUrl: `${provider.baseUrl}/api/v3` });
    const pages: number[] = [];
    for await (const page of octokit.paginate.iterator(octokit.rest.teams.listForAuthenticatedUser, { per_page: 1 })) pages.push(page.data.length);
    expect(pages).toEqual([1, 1]);
  });

  it('is refused what the token has no scope for, with GitHub\'s 404 and accepted scopes', async () => {
    const { token } = await octokitToken(['read:user']);
    const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const octokit = new Octokit({ auth: token, baseUrl: `${provider.baseUrl}/api/v3`, log: quiet });
    expect((await octokit.rest.users.getAuthenticated()).data.email).toBeNull();
    await expect(octokit.rest.users.listEmailsForAuthenticatedUser()).rejects.toMatchObject({
      status: 404,
      response: { headers: { 'x-accepted-oauth-scopes': 'user, user:email' }, data: { message: 'Not Found' } },
    });
  });

  it('reports a spent code the way Octokit reports GitHub\'s OAuth errors', async () => {
    const { url } = getWebFlowAuthorizationUrl({ clientType: 'oauth-app', clientId: 'octokit-client', scopes: ['read:user'], request: enterprise() });
    const { callback: returned } = await new Browser().signInAndConsent(url, callback, person);
    const exchange = () =>
      exchangeWebFlowCode({ clientType: 'oauth-app', clientId: 'octokit-client', clientSecret: secret('octokit'), code: returned.searchParams.get('code')!, request: enterprise() });
    await exchange();
    await expect(exchange()).rejects.toThrow(/\(bad_verification_code, https:\/\/docs\.github\.com\/.*#bad-verification-code\)/);
  });
});
