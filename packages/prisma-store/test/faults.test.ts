// PostgreSQL outages against a real server: nothing listening, a stalled or slow network (a TCP
// proxy on loopback that holds or delays the bytes), a connection cut mid-transaction, a lock that
// is not released. Every store call fails fast with temporarily_unavailable (503, Retry-After 5),
// no unit of work is half-written (checked in the tables through a direct connection), and the same
// stores object works again once the server is back.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { OAuthError, type AccessTokenRecord, type Grant, type RefreshTokenRecord, type Stores } from '@gatehouse/core';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { connectPostgres, isDatabaseUnavailable, prismaStores, type Database } from '../src/index.js';
import type { TcpProxy } from '../src/testing/index.js';
import { openProxiedDatabase, postgresUrl, testSecretKey, type ProxiedDatabase, type TestDatabase } from './test-database.js';

const now = Math.floor(Date.now() / 1000);
const grant = (id = randomUUID()): Grant => ({
  id,
  applicationId: 'app-faults',
  userId: 'user-faults',
  scopes: ['openid'],
  authTime: now,
  nonce: null,
  amr: ['pwd'],
  sid: null,
  createdAt: now,
  revokedAt: null,
});
const accessToken = (grantId: string): AccessTokenRecord => ({
  jti: randomUUID(),
  grantId,
  applicationId: 'app-faults',
  userId: 'user-faults',
  scopes: ['openid'],
  issuedAt: now,
  expiresAt: now + 600,
  revokedAt: null,
});
const refreshToken = (grantId: string): RefreshTokenRecord => ({
  tokenDigest: randomUUID(),
  grantId,
  familyId: randomUUID(),
  applicationId: 'app-faults',
  userId: 'user-faults',
  scopes: ['openid'],
  issuedAt: now,
  expiresAt: now + 3600,
  rotatedAt: null,
  replacedBy: null,
  revokedAt: null,
});

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a call did: its error (undefined when it succeeded) and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call().then(() => undefined, (caught: unknown) => caught);
  return { error, ms: performance.now() - started };
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(OAuthError);
  expect(error).toMatchObject({
    code: 'temporarily_unavailable',
    status: 503,
    retryAfterSeconds: 5,
    description: 'the database is unavailable; try again shortly',
  });
}

/** Polls until `call` succeeds, for at most `ms`; answers how long that took. */
async function recovers(call: () => Promise<unknown>, ms = 10_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { error } = await timed(call);
    if (error === undefined) return performance.now() - started;
    if (performance.now() - started > ms) throw error;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('stores on a port where nothing listens', () => {
  let database: Database;
  let stores: Stores;
  beforeAll(async () => {
    // The default timeouts: a refused connection does not wait for any of them.
    database = connectPostgres(`postgresql://postgres@127.0.0.1:${await freePort()}/gatehouse`);
    stores = prismaStores(database.prisma, { secretKey: testSecretKey });
  });
  afterAll(() => database.close());

  const calls: Record<string, (stores: Stores) => Promise<unknown>> = {
    'applications.findByClientId': (s) => s.applications.findByClientId('client-1'),
    'users.find': (s) => s.users.find('1'),
    'grants.create': (s) => s.grants.create(grant()),
    'accessTokens.find': (s) => s.accessTokens.find('jti', now),
    'refreshTokens.rotate': (s) => s.refreshTokens.rotate('digest', refreshToken('g'), now),
    'events.record': (s) => s.events.record({ action: 'login', at: now }),
    'keys.list': (s) => s.keys.list(),
    transaction: (s) => s.transaction((tx) => tx.grants.create(grant())),
    'exclusive transaction': (s) => s.transaction((tx) => tx.grants.find('g'), { exclusive: 'faults' }),
  };

  it.each(Object.entries(calls))('%s rejects within 2 s with temporarily_unavailable', async (_, call) => {
    const { error, ms } = await timed(() => call(stores));
    expectUnavailable(error);
    expect(ms).toBeLessThan(2000);
    // The cause stays for the logs; the description names no host, port or driver.
    expect((error as OAuthError).cause).toBeDefined();
    expect((error as OAuthError).detail).toMatch(/^postgres: /);
  });
});

describeRequiring('PostgreSQL server', serviceAt(postgresUrl), () => {
  // Short timeouts keep the suite quick; the defaults are 2 s to connect and 5 s per statement.
  // PostgreSQL's idle-in-transaction timeout stays long here, so that the tests show the client
  // itself never leaves a connection inside a broken transaction.
  const timeouts = { connectTimeoutMs: 1000, statementTimeoutMs: 1000, idleInTransactionTimeoutMs: 60_000 };
  // statement timeout + the one second the client waits on top of it for any answer at all.
  const deadlineMs = timeouts.statementTimeoutMs + 1000;
  const slackMs = 1500;

  let db: TestDatabase;
  let proxy: TcpProxy;
  let stores: Stores;
  // A direct connection, past the proxy: what is really in the tables.
  let direct: TestDatabase['database']['prisma'];

  let opened: ProxiedDatabase | undefined;

  beforeAll(async () => {
    opened = await openProxiedDatabase({ ...timeouts, poolSize: 4 });
    ({ db, proxy, stores } = opened);
    direct = db.database.prisma;
  }, 60_000);
  afterAll(() => opened?.close(), 30_000);
  afterEach(async () => {
    // Every test leaves the proxy forwarding and the stores working.
    proxy.resume();
    await proxy.restore();
    await recovers(() => stores.grants.find('warm-up'));
  }, 20_000);

  const rows = async (grantId: string) => ({
    grants: await direct.grant.count({ where: { id: grantId } }),
    accessTokens: await direct.accessToken.count({ where: { grantId } }),
    refreshTokens: await direct.refreshToken.count({ where: { grantId } }),
  });

  describe('a stalled connection (the proxy forwards nothing)', () => {
    it('fails a call on a pooled connection at the statement deadline with temporarily_unavailable, not later', async () => {
      await stores.grants.find('warm-up');
      proxy.pause();
      const { error, ms } = await timed(() => stores.grants.find(randomUUID()));
      expectUnavailable(error);
      expect(ms).toBeLessThan(deadlineMs + slackMs);
    });

    it('fails a call that needs a new connection at the connect timeout', async () => {
      proxy.pause();
      const fresh = connectPostgres(proxy.urlThrough(db.url), timeouts);
      try {
        const { error, ms } = await timed(() => prismaStores(fresh.prisma, { secretKey: testSecretKey }).users.find(randomUUID()));
        expectUnavailable(error);
        expect(ms).toBeLessThan(timeouts.connectTimeoutMs + slackMs);
      } finally {
        proxy.resume();
        await fresh.close();
      }
    });

    it('fails every call of a burst larger than the pool within the timeouts', async () => {
      proxy.pause();
      const results = await Promise.all(Array.from({ length: 10 }, () => timed(() => stores.users.find(randomUUID()))));
      for (const { error, ms } of results) {
        expectUnavailable(error);
        expect(ms).toBeLessThan(deadlineMs + slackMs);
      }
    });

    it('fails a unit of work as a whole, and PostgreSQL rolls back what it had written', async () => {
      const id = randomUUID();
      const { error, ms } = await timed(() =>
        stores.transaction(async (tx) => {
          await tx.grants.create(grant(id));
          await tx.accessTokens.create(accessToken(id));
          proxy.pause();
          await tx.refreshTokens.create(refreshToken(id));
        }),
      );
      expectUnavailable(error);
      expect(ms).toBeLessThan(deadlineMs + slackMs);
      // The held bytes must not land once traffic flows again, and no pooled connection may still
      // be inside that transaction (node-postgres's own query_timeout would leave it so, and the
      // next unit of work on it would COMMIT the half): the connection was dropped instead.
      proxy.resume();
      await recovers(() => stores.grants.find(id));
      await Promise.all(Array.from({ length: 8 }, () => stores.transaction((tx) => tx.grants.create(grant()))));
      expect(await stores.grants.find(id)).toBeNull();
      expect(await rows(id)).toEqual({ grants: 0, accessTokens: 0, refreshTokens: 0 });
    });

    it('works again with the same stores once traffic flows', async () => {
      proxy.pause();
      expectUnavailable((await timed(() => stores.grants.find(randomUUID()))).error);
      proxy.resume();
      const id = randomUUID();
      await recovers(() => stores.grants.create(grant(id)));
      expect(await stores.grants.find(id)).toMatchObject({ id, revokedAt: null });
    });
  });

  describe('a slow network (every chunk delayed)', () => {
    it('still answers when the delay is within the timeouts', async () => {
      proxy.delay(150);
      const id = randomUUID();
      await stores.grants.create(grant(id));
      expect(await stores.grants.find(id)).toMatchObject({ id });
    });

    it('answers temporarily_unavailable at the deadline when the delay is beyond it, without hanging', async () => {
      await stores.grants.find('warm-up');
      proxy.delay(deadlineMs + 2000);
      const { error, ms } = await timed(() => stores.grants.find(randomUUID()));
      expectUnavailable(error);
      expect(ms).toBeLessThan(deadlineMs + slackMs);
    });
  });

  describe('a slow server (a lock held elsewhere)', () => {
    it('cancels a statement at statement_timeout with temporarily_unavailable, and the connection stays usable', async () => {
      const id = randomUUID();
      await stores.grants.create(grant(id));
      // Another session holds the row lock for longer than the statement timeout.
      const holder = direct.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT id FROM grants WHERE id = ${id} FOR UPDATE`;
        await new Promise((resolve) => setTimeout(resolve, timeouts.statementTimeoutMs + 1500));
      }, { timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { error, ms } = await timed(() => stores.grants.revoke(id, now));
      expectUnavailable(error);
      expect(ms).toBeLessThan(timeouts.statementTimeoutMs + slackMs);
      await holder;
      await stores.grants.revoke(id, now);
      expect(await stores.grants.find(id)).toMatchObject({ revokedAt: now });
    });
  });

  describe('a cut connection (nothing listens any more)', () => {
    it('fails calls at once with temporarily_unavailable, then works again with the same stores when it is back', async () => {
      await stores.grants.find('warm-up');
      await proxy.cut();
      for (const call of [() => stores.grants.find(randomUUID()), () => stores.transaction((tx) => tx.grants.create(grant()))]) {
        const { error, ms } = await timed(call);
        expectUnavailable(error);
        expect(ms).toBeLessThan(1000);
      }
      await proxy.restore();
      const id = randomUUID();
      expect(await recovers(() => stores.grants.create(grant(id)), 5000)).toBeLessThan(5000);
      expect(await stores.grants.find(id)).toMatchObject({ id });
    });

    it('leaves nothing of a transaction cut mid-way', async () => {
      const id = randomUUID();
      const { error } = await timed(() =>
        stores.transaction(async (tx) => {
          await tx.grants.create(grant(id));
          await tx.accessTokens.create(accessToken(id));
          await proxy.cut();
          await tx.refreshTokens.create(refreshToken(id));
        }),
      );
      expectUnavailable(error);
      await proxy.restore();
      await recovers(() => stores.grants.find(id));
      expect(await rows(id)).toEqual({ grants: 0, accessTokens: 0, refreshTokens: 0 });
    });

    it('leaves nothing of a refresh-token rotation cut mid-way, and the token can be rotated afterwards', async () => {
      const id = randomUUID();
      const first = refreshToken(id);
      await stores.refreshTokens.create(first);
      const { error } = await timed(() =>
        stores.transaction(async (tx) => {
          await tx.refreshTokens.rotate(first.tokenDigest, refreshToken(id), now);
          await proxy.cut();
          await tx.accessTokens.create(accessToken(id));
        }),
      );
      expectUnavailable(error);
      await proxy.restore();
      await recovers(() => stores.grants.find(id));
      expect(await direct.refreshToken.findUnique({ where: { tokenDigest: first.tokenDigest } })).toMatchObject({ rotatedAt: null, replacedBy: null });
      expect(await rows(id)).toEqual({ grants: 0, accessTokens: 0, refreshTokens: 1 });
      const successor = refreshToken(id);
      expect(await stores.refreshTokens.rotate(first.tokenDigest, successor, now)).toMatchObject({ rotated: true });
    });
  });

  describe('the server refusing or ending connections', () => {
    it('answers temporarily_unavailable when PostgreSQL has no connection left (too many connections)', async () => {
      // A role allowed no connection at all: PostgreSQL refuses it with 53300, as a full server does.
      const role = `gatehouse_full_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await direct.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
      const url = new URL(db.url);
      url.username = role;
      const full = connectPostgres(url.href, timeouts);
      try {
        const { error, ms } = await timed(() => prismaStores(full.prisma, { secretKey: testSecretKey }).grants.find('g'));
        expectUnavailable(error);
        expect(ms).toBeLessThan(2000);
      } finally {
        await full.close();
        await direct.$executeRawUnsafe(`DROP ROLE ${role}`);
      }
    });

    it('replaces connections the server terminated (a restart, a failover) without more than a 503', async () => {
      await Promise.all(Array.from({ length: 4 }, () => stores.grants.find('warm-up')));
      const name = new URL(db.url).pathname.slice(1);
      await direct.$queryRaw`SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
      const { error } = await timed(() => stores.grants.find(randomUUID()));
      if (error !== undefined) expectUnavailable(error);
      expect(await recovers(() => stores.grants.find(randomUUID()), 5000)).toBeLessThan(5000);
    });
  });

  describe('errors that are not outages', () => {
    it('passes a constraint violation through as it is, not as temporarily_unavailable', async () => {
      const id = randomUUID();
      await stores.grants.create(grant(id));
      const { error } = await timed(() => stores.grants.create(grant(id)));
      expect(error).toBeDefined();
      expect(error).not.toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({ code: 'P2002' });
      expect(isDatabaseUnavailable(error)).toBe(false);
    });

    it('passes the errors of a unit of work through, and rolls it back', async () => {
      const id = randomUUID();
      const failure = new OAuthError('invalid_grant', 'refused inside');
      await expect(
        stores.transaction(async (tx) => {
          await tx.grants.create(grant(id));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await rows(id)).toEqual({ grants: 0, accessTokens: 0, refreshTokens: 0 });
    });
  });

  describe('exclusive units of work', () => {
    it('holds a lock taken by a nested unit of work until the outer transaction ends', async () => {
      const order: string[] = [];
      let locked!: () => void;
      const taken = new Promise<void>((resolve) => (locked = resolve));
      const name = `faults-${randomUUID()}`;
      const outer = stores.transaction(async (tx) => {
        await tx.transaction(async () => order.push('nested'), { exclusive: name });
        locked();
        await new Promise((resolve) => setTimeout(resolve, 300));
        order.push('outer done');
      });
      await taken;
      await stores.transaction(async () => order.push('other'), { exclusive: name });
      await outer;
      expect(order).toEqual(['nested', 'outer done', 'other']);
    });
  });
});
