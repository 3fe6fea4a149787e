import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { prismaStores } from '@gatehouse/prisma-store';
import { createPostgresDatabase, type TestDatabase } from '@gatehouse/prisma-store/testing';
import type { ApplicationView, UserView } from '../../src/admin/index.js';
import type { KeyRotation } from '../../src/admin/rotate-keys.js';
import { postgresUrl } from '../backend-e2e.js';
import { Browser } from '../browser.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { clientCredentials, gatehouseJson, runGatehouse } from './run-gatehouse.js';

const secretKey = 'cli-postgres-secret-key-0123456789abcdefghij';
const callback = 'http://127.0.0.1:8765/cb';
type Created = ApplicationView & { readonly client_secret?: string };
type AppliedSeed = { readonly applications: readonly { slug: string; client_id: string; client_secret?: string }[]; readonly users: readonly string[] };

// The CLI writes through the same stores the server reads: every change made here is checked
// through a provider running on the same PostgreSQL database.
describeRequiring('gatehouse CLI on PostgreSQL, seen by a running provider', serviceAt(postgresUrl), () => {
  let db: TestDatabase;
  let provider: RunningProvider;
  let env: Record<string, string>;
  // The provider's clock, to move past its key cache (keyCacheSeconds) after a rotation.
  let skewSeconds = 0;
  const clock = { now: () => Math.floor(Date.now() / 1000) + skewSeconds };

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    env = { DATABASE_URL: db.url, SECRET_KEY: secretKey, DATA_DIR: await mkdtemp(join(tmpdir(), 'gatehouse-cli-')) };
    provider = await startProvider({}, { stores: prismaStores(db.database.prisma, { secretKey }) }, { clock });
  }, 60_000);
  afterAll(async () => {
    await provider?.close();
    await db?.drop();
  });

  /** Signs `person` in through the code flow of application `web`; the userinfo claims, or a rejection when sign-in fails. */
  async function signIn(clientSecret: string, person: { username: string; password: string }): Promise<Record<string, unknown>> {
    const config = await client.discovery(new URL(`${provider.baseUrl}/application/o/web/`), 'web-client', clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const { callback: returned } = await new Browser().signInAndConsent(url.href, callback, person);
    const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, idTokenExpected: true });
    return (await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)) as Record<string, unknown>;
  }

  /** One attempt at the login form: 303 when it signs in, 401 when it does not (a failure counts toward the lockout). */
  async function loginStatus(person: { username: string; password: string }): Promise<number> {
    const browser = new Browser();
    const page = await browser.get(`${provider.baseUrl}/login`);
    const [form] = Browser.forms(await page.text(), `${provider.baseUrl}/login`);
    return (await browser.submit(form!, person)).status;
  }

  describe('applications', () => {
    let created: Created;

    it('app create prints the application and its generated secret once, and the server accepts it for client_credentials', async () => {
      created = await gatehouseJson<Created>(['app', 'create', 'm2m', '--name', 'Machine', '--client-id', 'm2m-client', '--scope', 'openid'], env);
      expect(created).toMatchObject({ slug: 'm2m', name: 'Machine', client_id: 'm2m-client', client_type: 'confidential', has_client_secret: true, scopes: ['openid'] });
      expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const res = await clientCredentials(provider.baseUrl, 'm2m-client', created.client_secret!);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ token_type: 'Bearer', scope: 'openid', access_token: expect.any(String) });
    });

    it('app list and app show print tables for people and JSON without the secret for scripts', async () => {
      const list = await runGatehouse(['app', 'list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')[0]).toMatch(/^SLUG +NAME +CLIENT_ID +TYPE +SIGNING_KEY +REDIRECT_URIS$/);
      expect(list.stdout).toMatch(/^m2m +Machine +m2m-client +confidential +HS256 +0$/m);
      const show = await runGatehouse(['app', 'show', 'm2m'], env);
      expect(show.stdout).toMatch(/^client_id +m2m-client$/m);
      expect(show.stdout).toContain(`/application/o/m2m/.well-known/openid-configuration`);
      const listed = await gatehouseJson<ApplicationView[]>(['app', 'list'], env);
      expect(listed.map((app) => app.slug)).toContain('m2m');
      const shown = await gatehouseJson<ApplicationView>(['app', 'show', 'm2m'], env);
      expect(shown).toEqual(listed.find((app) => app.slug === 'm2m'));
      expect(JSON.stringify([list, show, listed, shown])).not.toContain(created.client_secret);
    });

    it('app rotate-secret: the old secret fails at once, the new one works', async () => {
      const rotated = await gatehouseJson<{ client_secret: string }>(['app', 'rotate-secret', 'm2m'], env);
      expect(rotated).toEqual({ slug: 'm2m', client_id: 'm2m-client', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      const old = await clientCredentials(provider.baseUrl, 'm2m-client', created.client_secret!);
      expect(old.status).toBe(401);
      expect(await old.json()).toMatchObject({ error: 'invalid_client' });
      expect((await clientCredentials(provider.baseUrl, 'm2m-client', rotated.client_secret)).status).toBe(200);
      created = { ...created, client_secret: rotated.client_secret };
    });

    it('app delete asks for --yes, then the application and its credentials are gone', async () => {
      const refused = await runGatehouse(['app', 'delete', 'm2m'], env);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toBe('gatehouse: deleting m2m revokes every token it issued: add --yes to go ahead\n');
      expect((await clientCredentials(provider.baseUrl, 'm2m-client', created.client_secret!)).status).toBe(200);
      expect(await gatehouseJson(['app', 'delete', 'm2m', '--yes'], env)).toEqual({ slug: 'm2m', deleted: true });
      expect((await clientCredentials(provider.baseUrl, 'm2m-client', created.client_secret!)).status).toBe(401);
      expect(await runGatehouse(['app', 'show', 'm2m'], env)).toMatchObject({ code: 1, stderr: 'gatehouse: no application with slug m2m\n' });
    });
  });

  describe('users', () => {
    let webSecret: string;
    const alice = { username: 'alice', password: 'Alice-Password-42!' };

    beforeAll(async () => {
      const web = await gatehouseJson<Created>(['app', 'create', 'web', '--client-id', 'web-client', '--redirect-uri', callback, '--consent', 'implicit'], env);
      webSecret = web.client_secret!;
    });

    it('user create with --password-stdin, and the user signs in through the code flow', async () => {
      const user = await gatehouseJson<UserView>(['user', 'create', 'alice', '--name', 'Alice Liddell', '--email', 'alice@example.com', '--password-stdin'], env, `${alice.password}\n`);
      expect(user).toMatchObject({ username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', is_active: true, has_password: true, groups: [] });
      expect(await signIn(webSecret, alice)).toMatchObject({ preferred_username: 'alice', name: 'Alice Liddell' });
    });

    it('user set-password (from GATEHOUSE_PASSWORD): the new password signs in, the old one no longer does', async () => {
      const newPassword = 'Another-Password-7';
      expect(await runGatehouse(['user', 'set-password', 'alice'], { ...env, GATEHOUSE_PASSWORD: newPassword })).toMatchObject({ code: 0, stdout: 'Password of alice set.\n' });
      expect(await loginStatus(alice)).toBe(401);
      expect(await loginStatus({ username: 'alice', password: newPassword })).toBe(303);
      expect(await signIn(webSecret, { username: 'alice', password: newPassword })).toMatchObject({ preferred_username: 'alice' });
    });

    it('user add-group adds once; the groups reach the tokens', async () => {
      await gatehouseJson(['user', 'add-group', 'alice', 'admins'], env);
      const user = await gatehouseJson<UserView>(['user', 'add-group', 'alice', 'admins'], env);
      expect(user.groups).toEqual(['admins']);
      expect(await signIn(webSecret, { username: 'alice', password: 'Another-Password-7' })).toMatchObject({ groups: ['admins'] });
    });

    it('app-password create gives a machine token once; deactivating its user stops it, and their sign-in', async () => {
      await gatehouseJson(['user', 'create', 'deploy-bot', '--service-account'], env);
      const { token, expires_at } = await gatehouseJson<{ token: string; expires_at: number }>(['app-password', 'create', 'deploy-bot', 'ci', '--expires-in', '1d'], env);
      expect(expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(86_000);
      const machineToken = () =>
        fetch(`${provider.baseUrl}/application/o/token/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'web-client', username: 'deploy-bot', password: token, scope: 'openid' }),
        });
      expect((await machineToken()).status).toBe(200);
      expect((await gatehouseJson<UserView>(['user', 'deactivate', 'deploy-bot'], env)).is_active).toBe(false);
      expect(await (await machineToken()).json()).toMatchObject({ error: 'invalid_grant' });

      expect(await loginStatus({ username: 'alice', password: 'Another-Password-7' })).toBe(303);
      await gatehouseJson(['user', 'deactivate', 'alice'], env);
      expect(await loginStatus({ username: 'alice', password: 'Another-Password-7' })).toBe(401);
    });
  });

  describe('seed apply and key rotate', () => {
    let seedFile: string;

    beforeAll(async () => {
      seedFile = join(env['DATA_DIR']!, 'seed.json');
      await writeFile(seedFile, JSON.stringify({
        groups: [{ name: 'staff' }],
        users: [{ username: 'carol', password: 'Carol-Password-1', groups: ['staff'] }],
        keys: [{ name: 'sig', alg: 'ES256' }],
        applications: [
          { slug: 'signed', name: 'Signed', client_id: 'signed-client', signing_key: 'sig' },
          { slug: 'also-signed', name: 'Also signed', client_id: 'also-signed-client', signing_key: 'sig' },
        ],
      }));
    });

    it('applies a seed file with progress on stderr and the generated secrets once', async () => {
      const run = await runGatehouse(['seed', 'apply', seedFile, '--json'], env);
      expect(run.code).toBe(0);
      expect(run.stderr.trim().split('\n')).toEqual(['[1/4] key sig', '[2/4] user carol', '[3/4] application signed', '[4/4] application also-signed']);
      const summary = JSON.parse(run.stdout) as AppliedSeed;
      expect(summary).toEqual({
        applications: [
          { slug: 'signed', client_id: 'signed-client', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
          { slug: 'also-signed', client_id: 'also-signed-client', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
        ],
        users: ['carol'],
      });
      const secret = summary.applications[0]!.client_secret!;
      expect((await clientCredentials(provider.baseUrl, 'signed-client', secret)).status).toBe(200);
      // Idempotent: nothing is generated again, and the secret stays.
      const again = await gatehouseJson<AppliedSeed>(['seed', 'apply', seedFile], env);
      expect(again.applications.map((app) => Object.keys(app))).toEqual([['slug', 'client_id'], ['slug', 'client_id']]);
      expect((await clientCredentials(provider.baseUrl, 'signed-client', secret)).status).toBe(200);
    });

    it('key rotate rotates the keys applications sign with, reporting progress, and the JWKS publishes both versions', async () => {
      const jwksKids = async () => ((await (await fetch(`${provider.baseUrl}/application/o/signed/jwks/`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      const before = await jwksKids();
      expect(before).toHaveLength(1);
      const run = await runGatehouse(['key', 'rotate', '--json'], env);
      expect(run.code).toBe(0);
      const [rotation] = JSON.parse(run.stdout) as KeyRotation[];
      expect(rotation).toEqual({ key: 'sig', kid: expect.any(String), applications: ['also-signed', 'signed'] });
      expect(run.stderr).toBe(`[1/1] rotated sig: new kid ${rotation!.kid}, signs for also-signed, signed\n`);
      // A running server sees the new version once its key cache expires (keyCacheSeconds, 60 s).
      skewSeconds = 61;
      try {
        expect((await jwksKids()).sort()).toEqual([...before, rotation!.kid].sort());
      } finally {
        skewSeconds = 0;
      }
    });
  });

  it.each([
    ['a taken slug', ['app', 'create', 'web'], 'gatehouse: an application with slug web exists already'],
    ['a bad slug', ['app', 'create', 'Bad Slug'], 'gatehouse: slug: lowercase letters, digits, - and _'],
    ['an unknown consent mode', ['app', 'create', 'x', '--consent', 'sometimes'], 'gatehouse: consent: Invalid option: expected one of "explicit"|"implicit"|"permanent"|"expiring"'],
    ['a public client without a signing key', ['app', 'create', 'spa', '--public'], 'gatehouse: application spa: a public client needs a signing_key'],
    ['an unknown key', ['app', 'create', 'x', '--signing-key', 'nope'], 'gatehouse: application x: unknown key nope'],
    ['an unknown application', ['app', 'rotate-secret', 'nope'], 'gatehouse: no application with slug nope'],
    ['an unknown user', ['user', 'add-group', 'nobody', 'staff'], 'gatehouse: no user named nobody'],
    ['a taken username', ['user', 'create', 'carol'], 'gatehouse: a user named carol exists already'],
    ['an invalid email', ['user', 'create', 'dave', '--email', 'dave'], 'gatehouse: email: Invalid email address'],
    ['a bad duration', ['app-password', 'create', 'carol', 'x', '--expires-in', 'soon'], 'gatehouse: soon is not a duration: a positive number of seconds, or with a unit (90m, 12h, 30d)'],
    ['an unknown key to rotate', ['key', 'rotate', 'nope'], 'gatehouse: no key named nope'],
  ])('exits with 1 and one line naming the problem for %s', async (_case, args, message) => {
    const run = await runGatehouse(args, env);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('exits with 1 when set-password gets no password, without asking off a terminal', async () => {
    expect(await runGatehouse(['user', 'set-password', 'carol'], env)).toEqual({
      code: 1, stdout: '', stderr: 'gatehouse: no password given: pipe it with --password-stdin, set GATEHOUSE_PASSWORD, or run in a terminal\n',
    });
    expect(await runGatehouse(['user', 'set-password', 'carol', '--password-stdin'], env, 'short\n')).toMatchObject({ code: 1, stderr: 'gatehouse: password: at least 8 characters\n' });
  });
});
