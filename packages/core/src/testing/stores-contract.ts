/**
 * The contract of every durable port (DESIGN §4, CONVENTIONS 5-6): memory and Prisma stores run
 * it against their real backend. Each test uses ids of its own, so a database shared between
 * tests still works.
 *
 * @module
 */
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';
import type { AppPassword } from '../storage/app-password-store.js';
import type { AuditEvent } from '../storage/event-sink.js';
import type { Grant } from '../storage/grant-store.js';
import type { KeyRecord } from '../storage/key-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import type { StoredScopeMapping } from '../storage/scope-mapping-store.js';
import type { Stores } from '../storage/stores.js';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { concurrentCalls, unique } from './contract-helpers.js';
import { makeApplication, makeUser } from './fixtures.js';

/** What {@link describeStores} needs for one test. */
export interface StoresFixture {
  readonly stores: Stores;
  /** Reads back the audit events, oldest first, when the backend can; the EventSink port cannot. */
  readonly readEvents?: () => Promise<readonly AuditEvent[]>;
  /** Releases connections; called after each test. */
  readonly close?: () => Promise<void>;
  /** True when a failed `transaction` undoes its writes (databases); the memory stores do not. */
  readonly rollsBack?: boolean;
}

const now = 1_700_000_000;

function makeGrant(overrides: Partial<Grant> = {}): Grant {
  return {
    amr: ['pwd'],
    sid: null,
    id: unique('grant'),
    applicationId: 'app-1',
    userId: 'user-1',
    scopes: ['openid', 'profile'],
    authTime: now - 30,
    nonce: 'n-0S6_WzA2Mj',
    createdAt: now,
    revokedAt: null,
    ...overrides,
  };
}

function makeAccessToken(overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    jti: unique('jti'),
    grantId: null,
    applicationId: 'app-1',
    userId: 'user-1',
    scopes: ['openid'],
    issuedAt: now,
    expiresAt: now + 600,
    revokedAt: null,
    ...overrides,
  };
}

function makeRefreshToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenDigest: unique('digest'),
    grantId: unique('grant'),
    familyId: unique('family'),
    applicationId: 'app-1',
    userId: 'user-1',
    scopes: ['openid', 'offline_access'],
    issuedAt: now,
    expiresAt: now + 3600,
    rotatedAt: null,
    replacedBy: null,
    revokedAt: null,
    ...overrides,
  };
}

function makeKey(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    retiredAt: null,
    name: unique('key'),
    alg: 'ES256',
    use: 'sig',
    kid: unique('kid'),
    privateJwk: { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate', d: 'private-part' },
    createdAt: now,
    ...overrides,
  };
}

/** An application with ids of its own and no authorization redirect URI unless given. */
function freshApplication(overrides: Parameters<typeof makeApplication>[0] = {}) {
  const id = unique('app');
  return makeApplication({ id, slug: `slug-${id}`, clientId: `client-${id}`, ...overrides });
}

/**
 * Registers the contract of every durable port: applications (with first-use redirect
 * registration), users, grants, consents, access token records, keys, scope mappings and events.
 *
 * @example
 * describeStores('memoryStores', async () => {
 *   const stores = memoryStores();
 *   return { stores, readEvents: async () => stores.recordedEvents };
 * });
 */
export function describeStores(name: string, makeStores: () => Promise<StoresFixture>): void {
  describe(`${name}: Stores contract`, () => {
    let fixture: StoresFixture;
    let stores: Stores;
    beforeEach(async () => {
      fixture = await makeStores();
      stores = fixture.stores;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    describe('applications', () => {
      it('finds a saved application by client_id and by slug', async () => {
        const application = freshApplication({
          redirectUris: [
            { matchingMode: 'strict', url: 'https://app.example.com/callback', type: 'authorization' },
            { matchingMode: 'regex', url: 'https://.*\\.example\\.com/logout', type: 'logout' },
          ],
        });
        await stores.applications.save(application);
        expect(await stores.applications.findByClientId(application.clientId)).toEqual(application);
        expect(await stores.applications.findBySlug(application.slug)).toEqual(application);
      });

      it('answers null for an unknown client_id or slug', async () => {
        expect(await stores.applications.findByClientId(unique('client'))).toBeNull();
        expect(await stores.applications.findBySlug(unique('slug'))).toBeNull();
      });

      it('finds an application by id, with its back-channel logout URI, and null for an unknown id', async () => {
        const application = freshApplication({ backchannelLogoutUri: 'https://app.example.com/backchannel-logout' });
        await stores.applications.save(application);
        expect(await stores.applications.findById(application.id)).toEqual(application);
        expect(await stores.applications.findById(unique('app'))).toBeNull();
      });

      it('lists every application as saved, a replaced one once', async () => {
        const strictAndRegex = freshApplication({
          redirectUris: [
            { matchingMode: 'strict', url: 'https://spa.example.com/callback', type: 'authorization' },
            { matchingMode: 'regex', url: 'https://[a-z]+\\.tenants\\.example\\.com/.*', type: 'logout' },
          ],
        });
        const other = freshApplication();
        await stores.applications.save(strictAndRegex);
        await stores.applications.save(other);
        const renamed = { ...other, name: 'Renamed' };
        await stores.applications.save(renamed);
        const listed = await stores.applications.list();
        expect(listed).toEqual(expect.arrayContaining([strictAndRegex, renamed]));
        expect(listed.filter((application) => application.id === other.id)).toEqual([renamed]);
      });

      it('replaces the application with the same id on save', async () => {
        const application = freshApplication();
        await stores.applications.save(application);
        const renamed = { ...application, name: 'Renamed', scopes: ['openid'] };
        await stores.applications.save(renamed);
        expect(await stores.applications.findByClientId(application.clientId)).toEqual(renamed);
      });

      it('registers the first redirect URI of an application without one, as strict', async () => {
        const logout = { matchingMode: 'strict', url: 'https://app.example.com/bye', type: 'logout' } as const;
        const application = freshApplication({ redirectUris: [logout] });
        await stores.applications.save(application);
        const url = 'https://app.example.com/first';
        const registered = await stores.applications.registerRedirectUri(application.id, url);
        const expected = [logout, { matchingMode: 'strict', url, type: 'authorization' }];
        expect(registered.redirectUris).toEqual(expect.arrayContaining(expected));
        expect(registered.redirectUris).toHaveLength(2);
        const stored = await stores.applications.findByClientId(application.clientId);
        expect(stored?.redirectUris).toEqual(expect.arrayContaining(expected));
        expect(stored?.redirectUris).toHaveLength(2);
      });

      it('registers nothing when the application already has an authorization URI', async () => {
        const application = freshApplication();
        await stores.applications.save(application);
        const result = await stores.applications.registerRedirectUri(application.id, 'https://evil.example.net/cb');
        expect(result.redirectUris).toEqual(application.redirectUris);
        expect((await stores.applications.findByClientId(application.clientId))?.redirectUris).toEqual(application.redirectUris);
      });

      it(`lets exactly one of ${concurrentCalls} concurrent first uses register its URI`, async () => {
        const application = freshApplication({ redirectUris: [] });
        await stores.applications.save(application);
        const urls = Array.from({ length: concurrentCalls }, (_, i) => `https://app.example.com/cb/${i}`);
        const results = await Promise.all(urls.map((url) => stores.applications.registerRedirectUri(application.id, url)));
        const stored = await stores.applications.findByClientId(application.clientId);
        expect(stored?.redirectUris).toHaveLength(1);
        const winner = stored!.redirectUris[0]!;
        expect(winner).toEqual({ matchingMode: 'strict', url: expect.stringMatching(/^https:\/\/app\.example\.com\/cb\/\d+$/), type: 'authorization' });
        // Every caller sees the application as it is afterwards: with the winner's URI only.
        for (const result of results) expect(result.redirectUris).toEqual([winner]);
      });

      it('deletes an application with its consents and revokes every grant and token of it, and nothing of others', async () => {
        const application = freshApplication();
        const other = freshApplication();
        await stores.applications.save(application);
        await stores.applications.save(other);
        const userId = unique('user');
        const issued = (applicationId: string) => {
          const grant = makeGrant({ applicationId, userId });
          return {
            grant,
            accessToken: makeAccessToken({ grantId: grant.id, applicationId, userId }),
            refreshToken: makeRefreshToken({ grantId: grant.id, applicationId, userId }),
            // A machine token without a grant is revoked too.
            machineToken: makeAccessToken({ applicationId, userId }),
          };
        };
        const deleted = issued(application.id);
        const kept = issued(other.id);
        for (const { grant, accessToken, refreshToken, machineToken } of [deleted, kept]) {
          await stores.grants.createWithTokens(grant, { accessToken, refreshToken });
          await stores.accessTokens.create(machineToken);
          await stores.consents.save({ userId, applicationId: grant.applicationId, scopes: ['openid'], expiresAt: null });
        }

        expect(await stores.applications.delete(application.id, now + 5)).toBe(true);

        expect(await stores.applications.findById(application.id)).toBeNull();
        expect(await stores.applications.findByClientId(application.clientId)).toBeNull();
        expect(await stores.applications.findBySlug(application.slug)).toBeNull();
        expect((await stores.applications.list()).map(({ id }) => id)).not.toContain(application.id);
        expect(await stores.consents.find(userId, application.id, now)).toBeNull();
        expect(await stores.grants.find(deleted.grant.id)).toEqual({ ...deleted.grant, revokedAt: now + 5 });
        expect(await stores.accessTokens.find(deleted.accessToken.jti, now)).toEqual({ ...deleted.accessToken, revokedAt: now + 5 });
        expect(await stores.accessTokens.find(deleted.machineToken.jti, now)).toEqual({ ...deleted.machineToken, revokedAt: now + 5 });
        expect(await stores.refreshTokens.find(deleted.refreshToken.tokenDigest, now)).toEqual({ ...deleted.refreshToken, revokedAt: now + 5 });

        expect(await stores.applications.findById(other.id)).toEqual(other);
        expect(await stores.consents.find(userId, other.id, now)).not.toBeNull();
        expect(await stores.grants.find(kept.grant.id)).toEqual(kept.grant);
        expect(await stores.accessTokens.find(kept.accessToken.jti, now)).toEqual(kept.accessToken);
        expect(await stores.refreshTokens.find(kept.refreshToken.tokenDigest, now)).toEqual(kept.refreshToken);
      });

      it('answers false when deleting an unknown application, and frees the slug and client_id of a deleted one', async () => {
        expect(await stores.applications.delete(unique('app'), now)).toBe(false);
        const application = freshApplication();
        await stores.applications.save(application);
        await stores.applications.delete(application.id, now);
        const successor = freshApplication({ slug: application.slug, clientId: application.clientId });
        await stores.applications.save(successor);
        expect(await stores.applications.findByClientId(application.clientId)).toEqual(successor);
        expect(await stores.applications.delete(application.id, now)).toBe(false);
      });
    });

    describe('users', () => {
      // Usernames that sort the same under any collation: lower case letters after a shared prefix.
      const savedUsers = async (...overrides: Partial<Parameters<typeof makeUser>[0]>[]) => {
        const prefix = unique('list').replace(/[^a-z0-9]/g, '');
        const users = overrides.map((override, index) =>
          makeUser({ id: unique('user'), uuid: randomUUID(), username: `${prefix}${'abcdefgh'[index]}`, ...override }),
        );
        for (const user of users) await stores.users.save(user);
        return { prefix, users };
      };

      it('lists users by username, one page after another', async () => {
        const { prefix, users } = await savedUsers({}, {}, {}, {}, {});
        const [a, b, c, d, e] = users;
        expect(await stores.users.list({ search: prefix, limit: 2 })).toEqual([a, b]);
        expect(await stores.users.list({ search: prefix, limit: 2, after: b!.username })).toEqual([c, d]);
        expect(await stores.users.list({ search: prefix, limit: 2, after: d!.username })).toEqual([e]);
        expect(await stores.users.list({ search: prefix, limit: 2, after: e!.username })).toEqual([]);
      });

      it('lists the users whose username, name or email contains the search, ignoring case', async () => {
        const marker = unique('marker').replace(/[^a-z0-9]/g, '');
        const { users } = await savedUsers({ name: `Someone ${marker.toUpperCase()}` }, { email: `${marker}@example.com` }, {});
        const [byName, byEmail] = users;
        expect(await stores.users.list({ search: marker, limit: 10 })).toEqual([byName, byEmail]);
        expect(await stores.users.list({ search: `${marker.slice(0, 12)}%`, limit: 10 })).toEqual([]);
      });

      it('lists the members of a group', async () => {
        const group = unique('group');
        const { prefix, users } = await savedUsers({ groups: [group, 'staff'] }, { groups: ['staff'] }, { groups: [group] });
        const [first, , third] = users;
        expect(await stores.users.list({ search: prefix, group, limit: 10 })).toEqual([first, third]);
        expect(await stores.users.list({ group: unique('group'), limit: 10 })).toEqual([]);
      });

      it('creates, lists and deletes groups, a group of a saved user included, and a deleted group loses its members', async () => {
        const [empty, ofUser] = [unique('group'), unique('group')];
        expect(await stores.users.createGroup(empty)).toBe(true);
        expect(await stores.users.createGroup(empty)).toBe(false);
        const { users } = await savedUsers({ groups: [ofUser, 'staff'] });
        const listed = await stores.users.listGroups();
        expect(listed).toEqual(expect.arrayContaining([empty, ofUser, 'staff']));
        expect(listed.filter((name) => name === empty)).toHaveLength(1);

        expect(await stores.users.deleteGroup(ofUser)).toBe(true);
        expect(await stores.users.deleteGroup(ofUser)).toBe(false);
        expect(await stores.users.listGroups()).not.toContain(ofUser);
        expect(await stores.users.find(users[0]!.id)).toEqual({ ...users[0], groups: ['staff'] });
        expect(await stores.users.deleteGroup(empty)).toBe(true);
      });

      it('finds a saved user by id and by username', async () => {
        const id = unique('user');
        const user = makeUser({
          id,
          uuid: randomUUID(),
          username: `name-${id}`,
          groups: ['admins', 'staff'],
          attributes: { upn: 'alice@corp.example', nested: { level: 2 } },
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        });
        await stores.users.save(user);
        expect(await stores.users.find(id)).toEqual(user);
        expect(await stores.users.findByUsername(user.username)).toEqual(user);
      });

      it('reads back the groups a user was saved with, in an order of its own', async () => {
        const id = unique('user');
        const user = makeUser({ id, uuid: randomUUID(), username: `name-${id}`, groups: ['staff', 'admins'] });
        await stores.users.save(user);
        expect([...((await stores.users.find(id))?.groups ?? [])].sort()).toEqual(['admins', 'staff']);
      });

      it('answers null for an unknown id or username', async () => {
        expect(await stores.users.find(unique('user'))).toBeNull();
        expect(await stores.users.findByUsername(unique('name'))).toBeNull();
      });

      it('replaces the user with the same id on save', async () => {
        const id = unique('user');
        const user = makeUser({ id, uuid: randomUUID(), username: `name-${id}` });
        await stores.users.save(user);
        const deactivated = { ...user, isActive: false, email: null };
        await stores.users.save(deactivated);
        expect(await stores.users.find(id)).toEqual(deactivated);
      });
    });

    describe('app passwords', () => {
      const savedUser = async () => {
        const id = unique('user');
        const user = makeUser({ id, uuid: randomUUID(), username: `name-${id}`, groups: [] });
        await stores.users.save(user);
        return user;
      };
      const makeAppPassword = (userId: string, overrides: Partial<AppPassword> = {}): AppPassword => ({
        id: unique('app-password'),
        userId,
        name: 'ci',
        tokenDigest: unique('digest'),
        expiresAt: null,
        ...overrides,
      });

      it('finds an app password by digest until it expires', async () => {
        const user = await savedUser();
        const expiring = makeAppPassword(user.id, { name: 'expiring', expiresAt: now + 100 });
        const lasting = makeAppPassword(user.id, { name: 'lasting' });
        await stores.appPasswords.save(expiring);
        await stores.appPasswords.save(lasting);
        expect(await stores.appPasswords.findByDigest(expiring.tokenDigest, now + 99)).toEqual(expiring);
        expect(await stores.appPasswords.findByDigest(expiring.tokenDigest, now + 100)).toBeNull();
        expect(await stores.appPasswords.findByDigest(lasting.tokenDigest, now + 10 ** 8)).toEqual(lasting);
        expect(await stores.appPasswords.findByDigest(unique('digest'), now)).toBeNull();
      });

      it('replaces the app password of the same user and name, so the old token stops working', async () => {
        const user = await savedUser();
        const first = makeAppPassword(user.id);
        const second = makeAppPassword(user.id, { id: first.id, tokenDigest: unique('digest') });
        await stores.appPasswords.save(first);
        await stores.appPasswords.save(second);
        expect(await stores.appPasswords.findByDigest(first.tokenDigest, now)).toBeNull();
        expect(await stores.appPasswords.findByDigest(second.tokenDigest, now)).toEqual(second);
      });

      it('lists the app passwords of a user by name, expired ones included, and deletes one by id', async () => {
        const user = await savedUser();
        const other = await savedUser();
        const deploy = makeAppPassword(user.id, { name: 'deploy', expiresAt: now - 1 });
        const backup = makeAppPassword(user.id, { name: 'backup' });
        const othersBackup = makeAppPassword(other.id, { name: 'backup' });
        for (const appPassword of [deploy, backup, othersBackup]) await stores.appPasswords.save(appPassword);
        expect(await stores.appPasswords.listByUser(user.id)).toEqual([backup, deploy]);

        expect(await stores.appPasswords.delete(other.id, backup.id)).toBe(false);
        expect(await stores.appPasswords.delete(user.id, backup.id)).toBe(true);
        expect(await stores.appPasswords.delete(user.id, backup.id)).toBe(false);
        expect(await stores.appPasswords.findByDigest(backup.tokenDigest, now)).toBeNull();
        expect(await stores.appPasswords.listByUser(user.id)).toEqual([deploy]);
        expect(await stores.appPasswords.listByUser(other.id)).toEqual([othersBackup]);
      });
    });

    describe('grants', () => {
      it('finds a created grant, and null for an unknown id', async () => {
        const grant = makeGrant();
        await stores.grants.create(grant);
        expect(await stores.grants.find(grant.id)).toEqual(grant);
        expect(await stores.grants.find(unique('grant'))).toBeNull();
      });

      it('revokes a grant and keeps the first revocation time', async () => {
        const grant = makeGrant({ nonce: null });
        await stores.grants.create(grant);
        await stores.grants.revoke(grant.id, now + 10);
        await stores.grants.revoke(grant.id, now + 20);
        expect(await stores.grants.find(grant.id)).toEqual({ ...grant, revokedAt: now + 10 });
      });

      it('treats revoking an unknown grant as no error', async () => {
        await stores.grants.revoke(unique('grant'), now);
      });

      const firstRefreshToken = (grantId: string): RefreshTokenRecord => makeRefreshToken({ grantId });

      it('records a grant with its first tokens, or nothing at all when the id is taken', async () => {
        const grant = makeGrant();
        const accessToken = makeAccessToken({ grantId: grant.id });
        const refreshToken = firstRefreshToken(grant.id);
        expect(await stores.grants.createWithTokens(grant, { accessToken, refreshToken })).toBe(true);
        expect(await stores.grants.find(grant.id)).toEqual(grant);
        expect(await stores.accessTokens.find(accessToken.jti, now)).toEqual(accessToken);
        expect(await stores.refreshTokens.find(refreshToken.tokenDigest, now)).toEqual(refreshToken);

        const again = { accessToken: makeAccessToken({ grantId: grant.id }), refreshToken: firstRefreshToken(grant.id) };
        expect(await stores.grants.createWithTokens({ ...grant, scopes: ['openid'] }, again)).toBe(false);
        expect(await stores.grants.find(grant.id)).toEqual(grant);
        expect(await stores.accessTokens.find(again.accessToken.jti, now)).toBeNull();
        expect(await stores.refreshTokens.find(again.refreshToken.tokenDigest, now)).toBeNull();

        // Without tokens too, and a revoked grant's id stays taken.
        const bare = makeGrant();
        expect(await stores.grants.createWithTokens(bare, {})).toBe(true);
        await stores.grants.revoke(bare.id, now + 1);
        expect(await stores.grants.createWithTokens(bare, { accessToken: makeAccessToken({ grantId: bare.id }) })).toBe(false);
      });

      it(`records one of ${concurrentCalls} concurrent grants with the same id, with its own tokens only`, async () => {
        const grant = makeGrant();
        const attempts = Array.from({ length: concurrentCalls }, () => ({ accessToken: makeAccessToken({ grantId: grant.id }) }));
        const results = await Promise.all(attempts.map((tokens) => stores.grants.createWithTokens(grant, tokens)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const recorded = await Promise.all(attempts.map(({ accessToken }) => stores.accessTokens.find(accessToken.jti, now)));
        expect(recorded.map((record) => record !== null)).toEqual(results);
      });

      it('discards a grant with every token of it, and nothing else', async () => {
        const grant = makeGrant();
        const tokens = { accessToken: makeAccessToken({ grantId: grant.id }), refreshToken: firstRefreshToken(grant.id) };
        const other = makeGrant();
        const othersTokens = { accessToken: makeAccessToken({ grantId: other.id }), refreshToken: firstRefreshToken(other.id) };
        await stores.grants.createWithTokens(grant, tokens);
        await stores.grants.createWithTokens(other, othersTokens);
        await stores.grants.discard(grant.id);
        expect(await stores.grants.find(grant.id)).toBeNull();
        expect(await stores.accessTokens.find(tokens.accessToken.jti, now)).toBeNull();
        expect(await stores.refreshTokens.find(tokens.refreshToken.tokenDigest, now)).toBeNull();
        expect(await stores.grants.find(other.id)).toEqual(other);
        expect(await stores.accessTokens.find(othersTokens.accessToken.jti, now)).toEqual(othersTokens.accessToken);
        // Discarded, the id is free again: the retry of an exchange records its grant.
        expect(await stores.grants.createWithTokens(grant, {})).toBe(true);
        await stores.grants.discard(unique('grant'));
      });

      it('finds the grants of one session by sid, revoked ones included, and none of other sessions', async () => {
        const sid = unique('sid');
        const first = makeGrant({ sid, createdAt: now });
        const second = makeGrant({ sid, applicationId: 'app-2', createdAt: now + 1 });
        const otherSession = makeGrant({ sid: unique('sid') });
        const machine = makeGrant({ sid: null });
        for (const grant of [first, second, otherSession, machine]) await stores.grants.create(grant);
        await stores.grants.revoke(second.id, now + 5);
        const found = await stores.grants.findBySid(sid);
        expect([...found].sort((a, b) => a.createdAt - b.createdAt)).toEqual([first, { ...second, revokedAt: now + 5 }]);
        expect(await stores.grants.findBySid(unique('sid'))).toEqual([]);
      });

      it('lists the grants of a user that are not revoked, newest first, one page after another', async () => {
        const userId = unique('user');
        // Two grants of the same second: the id decides, byte by byte.
        const [oldest, sameSecondA, sameSecondB, newest] = [
          makeGrant({ userId, createdAt: now }),
          makeGrant({ userId, id: `A-${unique('grant')}`, createdAt: now + 1 }),
          makeGrant({ userId, id: `a-${unique('grant')}`, createdAt: now + 1 }),
          makeGrant({ userId, createdAt: now + 2 }),
        ];
        const revoked = makeGrant({ userId, createdAt: now + 3 });
        const othersGrant = makeGrant({ createdAt: now + 4 });
        for (const grant of [oldest, sameSecondA, sameSecondB, newest, revoked, othersGrant]) await stores.grants.create(grant);
        await stores.grants.revoke(revoked.id, now + 5);

        const firstPage = await stores.grants.listByUser(userId, { limit: 2 });
        expect(firstPage).toEqual([newest, sameSecondB]);
        const secondPage = await stores.grants.listByUser(userId, { limit: 2, before: firstPage[1]! });
        expect(secondPage).toEqual([sameSecondA, oldest]);
        expect(await stores.grants.listByUser(userId, { limit: 2, before: secondPage[1]! })).toEqual([]);
      });
    });

    describe('consents', () => {
      const makeConsent = (expiresAt: number | null) => ({
        userId: unique('user'),
        applicationId: unique('app'),
        scopes: ['openid', 'email'],
        expiresAt,
      });

      it('finds a consent until it expires', async () => {
        const consent = makeConsent(now + 100);
        await stores.consents.save(consent);
        expect(await stores.consents.find(consent.userId, consent.applicationId, now + 99)).toEqual(consent);
        expect(await stores.consents.find(consent.userId, consent.applicationId, now + 100)).toBeNull();
      });

      it('keeps a consent without expiry for ever', async () => {
        const consent = makeConsent(null);
        await stores.consents.save(consent);
        expect(await stores.consents.find(consent.userId, consent.applicationId, now + 10 ** 8)).toEqual(consent);
      });

      it('answers null for another application or user', async () => {
        const consent = makeConsent(null);
        await stores.consents.save(consent);
        expect(await stores.consents.find(consent.userId, unique('app'), now)).toBeNull();
        expect(await stores.consents.find(unique('user'), consent.applicationId, now)).toBeNull();
      });

      it('replaces the earlier consent of the same user for the same application', async () => {
        const consent = makeConsent(now + 100);
        await stores.consents.save(consent);
        const wider = { ...consent, scopes: ['openid', 'email', 'profile'], expiresAt: now + 500 };
        await stores.consents.save(wider);
        expect(await stores.consents.find(consent.userId, consent.applicationId, now + 200)).toEqual(wider);
      });

      it('lists the consents of a user that have not expired, and deletes one', async () => {
        const lasting = makeConsent(null);
        const expiring = { ...makeConsent(now + 100), userId: lasting.userId };
        const othersConsent = { ...makeConsent(null), applicationId: lasting.applicationId };
        for (const consent of [lasting, expiring, othersConsent]) await stores.consents.save(consent);
        const listed = await stores.consents.listByUser(lasting.userId, now);
        expect([...listed].sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity))).toEqual([expiring, lasting]);
        expect(await stores.consents.listByUser(lasting.userId, now + 100)).toEqual([lasting]);

        expect(await stores.consents.delete(lasting.userId, lasting.applicationId)).toBe(true);
        expect(await stores.consents.delete(lasting.userId, lasting.applicationId)).toBe(false);
        expect(await stores.consents.find(lasting.userId, lasting.applicationId, now)).toBeNull();
        expect(await stores.consents.find(othersConsent.userId, othersConsent.applicationId, now)).toEqual(othersConsent);
      });
    });

    describe('access token records', () => {
      it('finds a created record until it expires, and null for an unknown jti', async () => {
        const record = makeAccessToken({ grantId: unique('grant') });
        await stores.accessTokens.create(record);
        expect(await stores.accessTokens.find(record.jti, now + 599)).toEqual(record);
        expect(await stores.accessTokens.find(record.jti, now + 600)).toBeNull();
        expect(await stores.accessTokens.find(unique('jti'), now)).toBeNull();
      });

      it('revokes one record, which stays findable as revoked, and keeps the first revocation time', async () => {
        const [record, other] = [makeAccessToken(), makeAccessToken()];
        await stores.accessTokens.create(record);
        await stores.accessTokens.create(other);
        await stores.accessTokens.revoke(record.jti, now + 5);
        await stores.accessTokens.revoke(record.jti, now + 9);
        expect(await stores.accessTokens.find(record.jti, now + 10)).toEqual({ ...record, revokedAt: now + 5 });
        expect(await stores.accessTokens.find(other.jti, now + 10)).toEqual(other);
        await stores.accessTokens.revoke(unique('jti'), now);
      });

      it('revokes every record of a grant, and no other, by grant id', async () => {
        const grantId = unique('grant');
        const ofGrant = [
          makeAccessToken({ grantId }),
          makeAccessToken({ grantId, scopes: ['openid', 'email'] }),
          makeAccessToken({ grantId, applicationId: 'app-2' }),
        ];
        const earlier = makeAccessToken({ grantId, revokedAt: now + 1 });
        const others = [makeAccessToken({ grantId: unique('grant') }), makeAccessToken({ grantId: null })];
        for (const record of [...ofGrant, earlier, ...others]) await stores.accessTokens.create(record);

        await stores.accessTokens.revokeByGrantId(grantId, now + 7);

        for (const record of ofGrant) {
          expect(await stores.accessTokens.find(record.jti, now + 8)).toEqual({ ...record, revokedAt: now + 7 });
        }
        expect(await stores.accessTokens.find(earlier.jti, now + 8)).toEqual(earlier);
        for (const record of others) expect(await stores.accessTokens.find(record.jti, now + 8)).toEqual(record);
      });
    });

    describe('refresh tokens', () => {
      it('finds a created token until it expires, and null for an unknown digest', async () => {
        const token = makeRefreshToken();
        await stores.refreshTokens.create(token);
        expect(await stores.refreshTokens.find(token.tokenDigest, now + 3599)).toEqual(token);
        expect(await stores.refreshTokens.find(token.tokenDigest, now + 3600)).toBeNull();
        expect(await stores.refreshTokens.find(unique('digest'), now)).toBeNull();
      });

      it('rotates a token into its successor, once', async () => {
        const token = makeRefreshToken();
        await stores.refreshTokens.create(token);
        const successor = makeRefreshToken({ grantId: token.grantId, familyId: token.familyId, issuedAt: now + 10 });
        const rotation = await stores.refreshTokens.rotate(token.tokenDigest, successor, now + 10);
        expect(rotation).toEqual({ rotated: true, previous: { ...token, rotatedAt: now + 10, replacedBy: successor.tokenDigest } });
        expect(await stores.refreshTokens.find(successor.tokenDigest, now + 10)).toEqual(successor);
        const again = await stores.refreshTokens.rotate(token.tokenDigest, makeRefreshToken(), now + 20);
        expect(again).toEqual({ rotated: false, previous: { ...token, rotatedAt: now + 10, replacedBy: successor.tokenDigest } });
      });

      it(`lets exactly one of ${concurrentCalls} concurrent rotations of the same token win, and stores only its successor`, async () => {
        const token = makeRefreshToken();
        await stores.refreshTokens.create(token);
        const successors = Array.from({ length: concurrentCalls }, () => makeRefreshToken({ grantId: token.grantId, familyId: token.familyId }));
        const rotations = await Promise.all(successors.map((successor) => stores.refreshTokens.rotate(token.tokenDigest, successor, now + 1)));
        expect(rotations.filter((rotation) => rotation?.rotated)).toHaveLength(1);
        const stored = await Promise.all(successors.map((successor) => stores.refreshTokens.find(successor.tokenDigest, now + 1)));
        expect(stored.filter((record) => record !== null)).toHaveLength(1);
        const winner = rotations.find((rotation) => rotation?.rotated)!;
        expect(rotations.every((rotation) => rotation?.previous.replacedBy === winner.previous.replacedBy)).toBe(true);
      });

      it('does not rotate a revoked token, and answers null for an unknown one', async () => {
        const token = makeRefreshToken({ revokedAt: now });
        await stores.refreshTokens.create(token);
        expect(await stores.refreshTokens.rotate(token.tokenDigest, makeRefreshToken(), now + 1)).toEqual({ rotated: false, previous: token });
        expect(await stores.refreshTokens.rotate(unique('digest'), makeRefreshToken(), now + 1)).toBeNull();
      });

      it('revokes every token of a grant, and no other, by grant id', async () => {
        const grantId = unique('grant');
        const mine = [makeRefreshToken({ grantId }), makeRefreshToken({ grantId })];
        const other = makeRefreshToken();
        for (const token of [...mine, other]) await stores.refreshTokens.create(token);
        await stores.refreshTokens.revokeByGrantId(grantId, now + 5);
        for (const token of mine) expect(await stores.refreshTokens.find(token.tokenDigest, now + 6)).toEqual({ ...token, revokedAt: now + 5 });
        expect(await stores.refreshTokens.find(other.tokenDigest, now + 6)).toEqual(other);
      });
    });

    describe('keys', () => {
      it('lists saved keys and finds the versions of one by name', async () => {
        const signing = makeKey();
        const encryption = makeKey({ alg: 'RSA-OAEP-256', use: 'enc', privateJwk: { kty: 'RSA', n: 'modulus', e: 'AQAB', d: 'private-part' } });
        await stores.keys.save(signing);
        await stores.keys.save(encryption);
        expect(await stores.keys.list()).toEqual(expect.arrayContaining([signing, encryption]));
        expect(await stores.keys.findByName(encryption.name)).toEqual([encryption]);
        expect(await stores.keys.findByName(unique('key'))).toEqual([]);
      });

      it('keeps every version of a name, newest first, and replaces a version by kid', async () => {
        const first = makeKey();
        const second = { ...makeKey({ name: first.name }), createdAt: now + 86_400 };
        await stores.keys.save(first);
        await stores.keys.save(second);
        expect(await stores.keys.findByName(first.name)).toEqual([second, first]);
        const replaced = { ...first, privateJwk: { ...first.privateJwk, d: 'other-private-part' } };
        await stores.keys.save(replaced);
        expect(await stores.keys.findByName(first.name)).toEqual([second, replaced]);
      });

      it('leaves retired versions out of lists', async () => {
        const old = makeKey();
        const current = { ...makeKey({ name: old.name }), createdAt: now + 1 };
        await stores.keys.save(old);
        await stores.keys.save(current);
        await stores.keys.retire(old.kid, now + 2);
        await stores.keys.retire(unique('kid'), now + 2);
        expect(await stores.keys.findByName(old.name)).toEqual([current]);
        expect((await stores.keys.list()).map((key) => key.kid)).not.toContain(old.kid);
        // Still findable by kid, so that nobody brings a retired key back by saving it again.
        expect(await stores.keys.findByKid(old.kid)).toEqual({ ...old, retiredAt: now + 2 });
        expect(await stores.keys.findByKid(unique('kid'))).toBeNull();
      });
    });

    describe('scope mappings', () => {
      const makeMapping = (overrides: Partial<StoredScopeMapping> = {}): StoredScopeMapping => ({
        scope: unique('scope'),
        description: 'Your department',
        // Not in alphabetical or length order: discovery lists the claims in the order they were given.
        claims: { department_name: 'user.attributes.department', teams: 'user.groups', a: 'user.username' },
        updatedAt: now,
        ...overrides,
      });
      const ofMine = async (...scopes: string[]) => (await stores.scopeMappings.list()).filter((mapping) => scopes.includes(mapping.scope));

      it('lists saved scope mappings by scope name, claims in the order they were given', async () => {
        const [first, second] = [makeMapping({ scope: `${unique('scope')}:b` }), makeMapping({ scope: `${unique('scope')}:a`, claims: {} })];
        await stores.scopeMappings.save(first);
        await stores.scopeMappings.save(second);
        const listed = await ofMine(first.scope, second.scope);
        expect(listed).toEqual([first, second].sort((a, b) => (a.scope < b.scope ? -1 : 1)));
        expect(Object.keys(listed.find((mapping) => mapping.scope === first.scope)!.claims)).toEqual(['department_name', 'teams', 'a']);
      });

      it('replaces the scope mapping of the same scope', async () => {
        const mapping = makeMapping();
        await stores.scopeMappings.save(mapping);
        const changed = { ...mapping, description: 'Your team', claims: { team: 'user.attributes.team' }, updatedAt: now + 60 };
        await stores.scopeMappings.save(changed);
        expect(await ofMine(mapping.scope)).toEqual([changed]);
      });

      it('deletes a scope mapping once, and tells whether there was one', async () => {
        const [mapping, other] = [makeMapping(), makeMapping()];
        await stores.scopeMappings.save(mapping);
        await stores.scopeMappings.save(other);
        expect(await stores.scopeMappings.delete(mapping.scope)).toBe(true);
        expect(await stores.scopeMappings.delete(mapping.scope)).toBe(false);
        expect(await stores.scopeMappings.delete(unique('scope'))).toBe(false);
        expect(await ofMine(mapping.scope, other.scope)).toEqual([other]);
      });

      it('keeps no scope mapping saved by a failed unit of work, where the backend rolls back', async () => {
        const mapping = makeMapping();
        const failure = new Error('the seed failed half-way');
        await expect(stores.transaction(async (tx) => {
          await tx.scopeMappings.save(mapping);
          throw failure;
        })).rejects.toBe(failure);
        expect(await ofMine(mapping.scope)).toEqual(fixture.rollsBack ? [] : [mapping]);
      });
    });

    describe('events', () => {
      it('records audit events, in order when they can be read back', async () => {
        const requestId = unique('request');
        const events: AuditEvent[] = [
          { action: 'login', at: now, userId: 'user-1', requestId },
          { action: 'authorize_application', at: now + 1, applicationId: 'app-1', userId: 'user-1', requestId, context: { scopes: ['openid'] } },
          { action: 'suspicious_request', at: now + 2, requestId, context: { reason: 'code replay' } },
        ];
        for (const event of events) await stores.events.record(event);
        if (!fixture.readEvents) return;
        const recorded = (await fixture.readEvents()).filter((event) => event.requestId === requestId);
        expect(recorded).toEqual(events);
      });

      it('records a batch with recordMany, in order, when the sink has it', async () => {
        if (!stores.events.recordMany) return;
        const requestId = unique('request');
        const events: AuditEvent[] = Array.from({ length: 5 }, (_, i) => ({
          action: 'token_issued',
          at: now + i,
          applicationId: 'app-1',
          userId: 'user-1',
          requestId,
          context: { grantType: 'authorization_code', scopes: ['openid'], refreshToken: i % 2 === 0 },
        }));
        await stores.events.recordMany(events);
        await stores.events.recordMany([]);
        if (!fixture.readEvents) return;
        expect((await fixture.readEvents()).filter((event) => event.requestId === requestId)).toEqual(events);
      });

      it('lists recorded events newest first, filtered, one page after another', async () => {
        const [userId, applicationId] = [unique('user'), unique('app')];
        const login: AuditEvent = { action: 'login', at: now, userId };
        const issued: AuditEvent = { action: 'token_issued', at: now + 10, userId, applicationId, context: { grantType: 'authorization_code' } };
        const reissued: AuditEvent = { action: 'token_issued', at: now + 20, userId, applicationId };
        const revoked: AuditEvent = { action: 'token_revoked', at: now + 30, applicationId };
        const others: AuditEvent = { action: 'token_issued', at: now + 40, userId: unique('user'), applicationId: unique('app') };
        for (const event of [login, issued, reissued, revoked, others]) await stores.events.record(event);
        const exactly = (...events: AuditEvent[]) => events.map((event) => ({ ...event, id: expect.any(Number) }));

        const ofUser = await stores.events.list({ userId, limit: 10 });
        expect(ofUser).toEqual(exactly(reissued, issued, login));
        expect(ofUser[0]!.id).toBeGreaterThan(ofUser[1]!.id);
        expect(ofUser[1]!.id).toBeGreaterThan(ofUser[2]!.id);
        expect(await stores.events.list({ applicationId, limit: 10 })).toEqual(exactly(revoked, reissued, issued));
        expect(await stores.events.list({ applicationId, action: 'token_issued', limit: 10 })).toEqual(exactly(reissued, issued));
        expect(await stores.events.list({ userId, since: now + 10, until: now + 20, limit: 10 })).toEqual(exactly(issued));
        expect(await stores.events.list({ userId, limit: 1, beforeId: ofUser[0]!.id })).toEqual(exactly(issued));
        expect(await stores.events.list({ userId, limit: 10, beforeId: ofUser[2]!.id })).toEqual([]);
      });
    });

    describe('transactions', () => {
      it('commits the writes of a unit of work and returns its result', async () => {
        const grant = makeGrant();
        const token = makeAccessToken({ grantId: grant.id });
        const result = await stores.transaction(async (tx) => {
          await tx.grants.create(grant);
          await tx.accessTokens.create(token);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await stores.grants.find(grant.id)).toEqual(grant);
        expect(await stores.accessTokens.find(token.jti, now)).toEqual(token);
      });

      it('writes nothing when the unit of work fails, where the backend rolls back', async () => {
        const grant = makeGrant();
        const failure = new Error('the second write failed');
        await expect(
          stores.transaction(async (tx) => {
            await tx.grants.create(grant);
            throw failure;
          }),
        ).rejects.toBe(failure);
        if (fixture.rollsBack) expect(await stores.grants.find(grant.id)).toBeNull();
      });

      it('runs units of work with the same exclusive name one at a time', async () => {
        const name = unique('lock');
        const log: string[] = [];
        const unit = (id: string) => stores.transaction(async () => {
          log.push(`start ${id}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          log.push(`end ${id}`);
        }, { exclusive: name });
        await Promise.all([unit('a'), unit('b'), unit('c')]);
        for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace('start', 'end'));
      });

      it('lets a nested unit of work join the outer one', async () => {
        const grant = makeGrant();
        await stores.transaction((tx) => tx.transaction((inner) => inner.grants.create(grant)));
        expect(await stores.grants.find(grant.id)).toEqual(grant);
      });
    });
  });
}
