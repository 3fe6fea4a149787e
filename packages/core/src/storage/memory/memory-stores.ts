import type { Application } from '../../clients/application.js';
import type { User } from '../../users/user.js';
import type { AccessTokenRecord } from '../access-token-record-store.js';
import type { AppPassword } from '../app-password-store.js';
import type { AuditEvent, RecordedEvent } from '../event-sink.js';
import type { Consent } from '../consent-store.js';
import type { Grant } from '../grant-store.js';
import type { KeyRecord } from '../key-store.js';
import type { RefreshTokenRecord } from '../refresh-token-store.js';
import type { StoredScopeMapping } from '../scope-mapping-store.js';
import type { Stores } from '../stores.js';

/** In-memory stores plus a view of what they hold, for tests and the embedded default. */
const maxEvents = 10_000;

export interface MemoryStores extends Stores {
  /** The latest audit events (between 10,000 and 20,000 once that many were recorded), oldest first. */
  readonly recordedEvents: readonly AuditEvent[];
}

/**
 * Every durable port in memory: the embedded default for a single process, and the test double.
 *
 * @example
 * const stores = memoryStores();
 * await stores.users.save({ id: '1', uuid: crypto.randomUUID(), username: 'alice', ... });
 */
export function memoryStores(): MemoryStores {
  const applications = new Map<string, Application>();
  const users = new Map<string, User>();
  const appPasswords = new Map<string, AppPassword>();
  const grants = new Map<string, Grant>();
  const consents = new Map<string, Consent>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const keys = new Map<string, KeyRecord>();
  const scopeMappings = new Map<string, StoredScopeMapping>();
  const events: AuditEvent[] = [];
  // The id of `events[0]`: ids stay the same when the oldest events are dropped.
  let firstEventId = 1;
  const groups = new Set<string>();
  const locks = new Map<string, Promise<unknown>>();
  const consentKey = (userId: string, applicationId: string) => `${userId}\u0000${applicationId}`;
  // Lookups by client_id, slug and username are on the hot path: indexed, not scanned.
  const applicationIds = { byClientId: new Map<string, string>(), bySlug: new Map<string, string>() };
  const userIds = new Map<string, string>();

  const stores: MemoryStores = {
    recordedEvents: events,
    applications: {
      findByClientId: async (clientId) => applications.get(applicationIds.byClientId.get(clientId) ?? '') ?? null,
      findBySlug: async (slug) => applications.get(applicationIds.bySlug.get(slug) ?? '') ?? null,
      findById: async (id) => applications.get(id) ?? null,
      list: async () => [...applications.values()],
      save: async (application) => {
        const previous = applications.get(application.id);
        if (previous) {
          applicationIds.byClientId.delete(previous.clientId);
          applicationIds.bySlug.delete(previous.slug);
        }
        applications.set(application.id, application);
        applicationIds.byClientId.set(application.clientId, application.id);
        applicationIds.bySlug.set(application.slug, application.id);
      },
      registerRedirectUri: async (applicationId, url) => {
        const application = applications.get(applicationId);
        if (!application) throw new Error(`unknown application ${applicationId}`);
        if (application.redirectUris.some((uri) => uri.type === 'authorization')) return application;
        const updated: Application = {
          ...application,
          redirectUris: [...application.redirectUris, { matchingMode: 'strict', url, type: 'authorization' }],
        };
        applications.set(applicationId, updated);
        return updated;
      },
      delete: async (id, at) => {
        const application = applications.get(id);
        if (!application) return false;
        applications.delete(id);
        applicationIds.byClientId.delete(application.clientId);
        applicationIds.bySlug.delete(application.slug);
        for (const [key, consent] of consents) if (consent.applicationId === id) consents.delete(key);
        for (const [grantId, grant] of grants) if (grant.applicationId === id && grant.revokedAt === null) grants.set(grantId, { ...grant, revokedAt: at });
        for (const [jti, record] of accessTokens) if (record.applicationId === id && record.revokedAt === null) accessTokens.set(jti, { ...record, revokedAt: at });
        for (const [digest, record] of refreshTokens) if (record.applicationId === id && record.revokedAt === null) refreshTokens.set(digest, { ...record, revokedAt: at });
        return true;
      },
    },
    users: {
      find: async (id) => users.get(id) ?? null,
      findByUsername: async (username) => users.get(userIds.get(username) ?? '') ?? null,
      save: async (user) => {
        const previous = users.get(user.id);
        if (previous) userIds.delete(previous.username);
        users.set(user.id, user);
        userIds.set(user.username, user.id);
        for (const group of user.groups) groups.add(group);
      },
      list: async ({ search, group, after, limit }) => {
        const needle = search?.toLowerCase();
        const matches = (user: User) =>
          (needle === undefined || [user.username, user.name, user.email ?? ''].some((field) => field.toLowerCase().includes(needle))) &&
          (group === undefined || user.groups.includes(group)) &&
          (after === undefined || user.username > after);
        return [...users.values()].filter(matches).sort((a, b) => (a.username < b.username ? -1 : 1)).slice(0, limit);
      },
      listGroups: async () => [...groups].sort(),
      createGroup: async (name) => {
        if (groups.has(name)) return false;
        groups.add(name);
        return true;
      },
      deleteGroup: async (name) => {
        if (!groups.delete(name)) return false;
        for (const user of users.values()) {
          if (user.groups.includes(name)) users.set(user.id, { ...user, groups: user.groups.filter((group) => group !== name) });
        }
        return true;
      },
    },
    appPasswords: {
      save: async (appPassword) => {
        for (const [digest, existing] of appPasswords) {
          if (existing.userId === appPassword.userId && existing.name === appPassword.name) appPasswords.delete(digest);
        }
        appPasswords.set(appPassword.tokenDigest, appPassword);
      },
      findByDigest: async (tokenDigest, now) => {
        const found = appPasswords.get(tokenDigest);
        return found && (found.expiresAt === null || found.expiresAt > now) ? found : null;
      },
      listByUser: async (userId) =>
        [...appPasswords.values()].filter((appPassword) => appPassword.userId === userId).sort((a, b) => (a.name < b.name ? -1 : 1)),
      delete: async (userId, id) => {
        for (const [digest, existing] of appPasswords) {
          if (existing.userId === userId && existing.id === id) return appPasswords.delete(digest);
        }
        return false;
      },
    },
    grants: {
      create: async (grant) => void grants.set(grant.id, grant),
      createWithTokens: async (grant, { accessToken, refreshToken }) => {
        if (grants.has(grant.id)) return false;
        grants.set(grant.id, grant);
        if (accessToken) accessTokens.set(accessToken.jti, accessToken);
        if (refreshToken) refreshTokens.set(refreshToken.tokenDigest, refreshToken);
        return true;
      },
      discard: async (id) => {
        grants.delete(id);
        for (const [jti, record] of accessTokens) if (record.grantId === id) accessTokens.delete(jti);
        for (const [digest, record] of refreshTokens) if (record.grantId === id) refreshTokens.delete(digest);
      },
      find: async (id) => grants.get(id) ?? null,
      findBySid: async (sid) => [...grants.values()].filter((grant) => grant.sid === sid),
      listByUser: async (userId, { before, limit }) => {
        const newestFirst = (a: Grant, b: Grant) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);
        const olderThanCursor = (grant: Grant) => !before || newestFirst(grant, { ...grant, ...before }) > 0;
        return [...grants.values()]
          .filter((grant) => grant.userId === userId && grant.revokedAt === null && olderThanCursor(grant))
          .sort(newestFirst)
          .slice(0, limit);
      },
      revoke: async (id, at) => {
        const grant = grants.get(id);
        if (grant && grant.revokedAt === null) grants.set(id, { ...grant, revokedAt: at });
      },
    },
    consents: {
      find: async (userId, applicationId, now) => {
        const consent = consents.get(consentKey(userId, applicationId));
        return consent && (consent.expiresAt === null || consent.expiresAt > now) ? consent : null;
      },
      save: async (consent) => void consents.set(consentKey(consent.userId, consent.applicationId), consent),
      listByUser: async (userId, now) =>
        [...consents.values()].filter((consent) => consent.userId === userId && (consent.expiresAt === null || consent.expiresAt > now)),
      delete: async (userId, applicationId) => consents.delete(consentKey(userId, applicationId)),
    },
    accessTokens: {
      create: async (record) => void accessTokens.set(record.jti, record),
      find: async (jti, now) => {
        const record = accessTokens.get(jti);
        return record && record.expiresAt > now ? record : null;
      },
      revoke: async (jti, at) => {
        const record = accessTokens.get(jti);
        if (record && record.revokedAt === null) accessTokens.set(jti, { ...record, revokedAt: at });
      },
      revokeByGrantId: async (grantId, at) => {
        for (const [jti, record] of accessTokens) {
          if (record.grantId === grantId && record.revokedAt === null) accessTokens.set(jti, { ...record, revokedAt: at });
        }
      },
    },
    refreshTokens: {
      create: async (record) => void refreshTokens.set(record.tokenDigest, record),
      find: async (tokenDigest, now) => {
        const record = refreshTokens.get(tokenDigest);
        return record && record.expiresAt > now ? record : null;
      },
      rotate: async (tokenDigest, successor, at) => {
        const record = refreshTokens.get(tokenDigest);
        if (!record) return null;
        if (record.rotatedAt !== null || record.revokedAt !== null) return { rotated: false, previous: record };
        const previous = { ...record, rotatedAt: at, replacedBy: successor.tokenDigest };
        refreshTokens.set(tokenDigest, previous);
        refreshTokens.set(successor.tokenDigest, successor);
        return { rotated: true, previous };
      },
      revokeByGrantId: async (grantId, at) => {
        for (const [digest, record] of refreshTokens) {
          if (record.grantId === grantId && record.revokedAt === null) refreshTokens.set(digest, { ...record, revokedAt: at });
        }
      },
    },
    keys: {
      list: async () => [...keys.values()].filter((key) => key.retiredAt === null).sort((a, b) => a.createdAt - b.createdAt),
      findByName: async (name) =>
        [...keys.values()].filter((key) => key.name === name && key.retiredAt === null).sort((a, b) => b.createdAt - a.createdAt),
      findByKid: async (kid) => keys.get(kid) ?? null,
      save: async (key) => void keys.set(key.kid, key),
      retire: async (kid, at) => {
        const key = keys.get(kid);
        if (key && key.retiredAt === null) keys.set(kid, { ...key, retiredAt: at });
      },
    },
    scopeMappings: {
      list: async () => [...scopeMappings.values()].sort((a, b) => (a.scope < b.scope ? -1 : 1)),
      save: async (mapping) => void scopeMappings.set(mapping.scope, { ...mapping, claims: { ...mapping.claims } }),
      delete: async (scope) => scopeMappings.delete(scope),
    },
    events: {
      record: async (event) => {
        // Only the latest events stay: a long-running process must not grow without bound. Halving
        // now and then keeps the cost per event constant.
        if (events.length >= 2 * maxEvents) {
          events.splice(0, maxEvents);
          firstEventId += maxEvents;
        }
        events.push(event);
      },
      list: async ({ action, userId, applicationId, since, until, beforeId, limit }) => {
        const found: RecordedEvent[] = [];
        const last = Math.min(events.length, (beforeId ?? Number.MAX_SAFE_INTEGER) - firstEventId) - 1;
        for (let index = last; index >= 0 && found.length < limit; index--) {
          const event = events[index]!;
          const matches =
            (action === undefined || event.action === action) &&
            (userId === undefined || event.userId === userId) &&
            (applicationId === undefined || event.applicationId === applicationId) &&
            (since === undefined || event.at >= since) &&
            (until === undefined || event.at < until);
          if (matches) found.push({ ...event, id: firstEventId + index });
        }
        return found;
      },
    },
    // Each call is atomic already (no await between a check and its write); a failed unit of work
    // is not rolled back here: durable deployments use prisma-store, whose transactions are real.
    transaction: (work, options) => {
      if (options?.exclusive === undefined) return work(stores);
      const name = options.exclusive;
      const run = (locks.get(name) ?? Promise.resolve()).then(() => work(stores));
      locks.set(name, run.catch(() => undefined));
      return run;
    },
  };
  return stores;
}
