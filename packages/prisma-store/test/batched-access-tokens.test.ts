// The group commit of access-token records and the batched reads, against real PostgreSQL and
// PGlite: concurrent calls share statements, yet each caller sees exactly what it would alone, and
// a failed batch hands out nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { OAuthError, type AccessTokenRecord, type Stores } from '@gatehouse/core';
import { describeRequiring, serviceAt } from '@gatehouse/core/testing';
import { prismaStores, type Database } from '../src/index.js';
import type { TcpProxy } from '../src/testing/index.js';
import { createPgliteDatabase, createPostgresDatabase, openProxiedDatabase, postgresUrl, testSecretKey, type ProxiedDatabase } from './test-database.js';

const now = Math.floor(Date.now() / 1000);
const accessToken = (overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
  jti: randomUUID(),
  grantId: randomUUID(),
  applicationId: 'app-batched',
  userId: 'user-batched',
  scopes: ['openid', 'profile'],
  issuedAt: now,
  expiresAt: now + 600,
  revokedAt: null,
  ...overrides,
});

const settle = <T>(calls: Promise<T>[]) => Promise.allSettled(calls);

function describeBatching(name: string, open: () => Promise<{ database: Database; close: () => Promise<void> }>) {
  describe(name, () => {
    let database: Database;
    let close: () => Promise<void>;
    let stores: Stores;
    beforeAll(async () => {
      ({ database, close } = await open());
      stores = prismaStores(database.prisma, { secretKey: testSecretKey });
    }, 60_000);
    afterAll(() => close());

    it('writes many concurrent creates with one statement, each findable afterwards', async () => {
      const records = Array.from({ length: 200 }, (_, index) => accessToken({ grantId: index % 3 === 0 ? null : randomUUID(), scopes: index % 2 ? [] : ['openid'] }));
      const statements = jest.spyOn(database.prisma, '$queryRawUnsafe');
      try {
        await Promise.all(records.map((record) => stores.accessTokens.create(record)));
        expect(statements).toHaveBeenCalledTimes(1);
      } finally {
        statements.mockRestore();
      }
      const found = await Promise.all(records.map((record) => stores.accessTokens.find(record.jti, now)));
      expect(found).toEqual(records);
    });

    it('records the grants of concurrent code exchanges with their first tokens in one statement, each alone', async () => {
      const grant = (id: string) => ({ id, applicationId: 'app-batched', userId: 'user-batched', scopes: ['openid'], authTime: now, nonce: null, amr: [], sid: null, createdAt: now, revokedAt: null });
      const taken = grant(randomUUID());
      await stores.grants.createWithTokens(taken, {});
      const fresh = Array.from({ length: 30 }, () => grant(randomUUID()));
      const calls = [...fresh, taken].map((g) => ({ grant: g, tokens: { accessToken: accessToken({ grantId: g.id }) } }));
      const statements = jest.spyOn(database.prisma, '$queryRawUnsafe');
      let created: boolean[];
      try {
        created = await Promise.all(calls.map(({ grant: g, tokens }) => stores.grants.createWithTokens(g, tokens)));
        expect(statements).toHaveBeenCalledTimes(1);
      } finally {
        statements.mockRestore();
      }
      expect(created).toEqual([...fresh.map(() => true), false]);
      const found = await Promise.all(calls.map(({ tokens }) => stores.accessTokens.find(tokens.accessToken.jti, now)));
      expect(found).toEqual([...calls.slice(0, -1).map(({ tokens }) => tokens.accessToken), null]);
    });

    it('gives each of concurrent finds its own record, or null when unknown or expired at its own time', async () => {
      const alive = accessToken();
      const revoked = accessToken({ revokedAt: now + 1 });
      const expiring = accessToken({ expiresAt: now + 10 });
      await Promise.all([alive, revoked, expiring].map((record) => stores.accessTokens.create(record)));
      const selects = jest.spyOn(database.prisma, '$queryRawUnsafe');
      let found: (AccessTokenRecord | null)[];
      try {
        found = await Promise.all([
          stores.accessTokens.find(alive.jti, now),
          stores.accessTokens.find(randomUUID(), now),
          stores.accessTokens.find(revoked.jti, now + 5),
          stores.accessTokens.find(expiring.jti, now + 9),
          stores.accessTokens.find(expiring.jti, now + 10),
          stores.accessTokens.find(alive.jti, now + 600),
          stores.accessTokens.find(alive.jti, now + 1),
        ]);
        expect(selects).toHaveBeenCalledTimes(1);
      } finally {
        selects.mockRestore();
      }
      expect(found).toEqual([alive, null, revoked, expiring, null, null, alive]);
    });

    it('refuses a taken jti to its caller alone, with P2002 as a single insert does; the others of its batch land', async () => {
      const existing = accessToken();
      await stores.accessTokens.create(existing);
      const twice = accessToken();
      const others = Array.from({ length: 5 }, () => accessToken());
      const results = await settle([
        stores.accessTokens.create({ ...existing, userId: 'someone-else' }),
        stores.accessTokens.create(twice),
        stores.accessTokens.create({ ...twice, userId: 'someone-else' }),
        ...others.map((record) => stores.accessTokens.create(record)),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'rejected', ...others.map(() => 'fulfilled')]);
      for (const refused of [results[0], results[2]]) {
        expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'P2002' });
      }
      expect(await stores.accessTokens.find(existing.jti, now)).toEqual(existing);
      expect(await stores.accessTokens.find(twice.jti, now)).toEqual(twice);
      expect(await Promise.all(others.map((record) => stores.accessTokens.find(record.jti, now)))).toEqual(others);
      await expect(stores.transaction((tx) => tx.accessTokens.create(existing))).rejects.toMatchObject({ code: 'P2002' });
    });

    it('writes the creates of a transaction in it: they roll back with it, and are unseen outside until it commits', async () => {
      const rolledBack = Array.from({ length: 10 }, () => accessToken());
      const failure = new Error('unit of work fails');
      await expect(
        stores.transaction(async (tx) => {
          for (const record of rolledBack) await tx.accessTokens.create(record);
          expect(await tx.accessTokens.find(rolledBack[0]!.jti, now)).toEqual(rolledBack[0]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await Promise.all(rolledBack.map((record) => stores.accessTokens.find(record.jti, now)))).toEqual(rolledBack.map(() => null));

      const committed = accessToken();
      await stores.transaction(async (tx) => {
        await tx.accessTokens.create(committed);
        // PGlite has one connection, which the transaction holds: only PostgreSQL can look from outside.
        if (name.includes('PostgreSQL')) expect(await stores.accessTokens.find(committed.jti, now)).toBeNull();
      });
      expect(await stores.accessTokens.find(committed.jti, now)).toEqual(committed);
    });
  });
}

describeBatching('batched access tokens on PGlite', async () => {
  const database = await createPgliteDatabase();
  return { database, close: () => database.close() };
});

describeRequiring('PostgreSQL server', serviceAt(postgresUrl), () => {
  describeBatching('batched access tokens on PostgreSQL', async () => {
    const db = await createPostgresDatabase();
    return { database: db.database, close: () => db.drop() };
  });

  describe('a batch whose connection is cut', () => {
    let opened: ProxiedDatabase | undefined;
    let proxy: TcpProxy;
    let stores: Stores;
    beforeAll(async () => {
      opened = await openProxiedDatabase({ connectTimeoutMs: 1000, statementTimeoutMs: 1000, poolSize: 2 });
      ({ proxy, stores } = opened);
    }, 60_000);
    afterAll(() => opened?.close(), 30_000);

    it('rejects every caller with temporarily_unavailable and writes none of its records', async () => {
      await stores.accessTokens.find(randomUUID(), now);
      const records = Array.from({ length: 30 }, () => accessToken());
      // The batch's INSERT is the next thing sent: the proxy drops the connection instead of forwarding it.
      const cut = proxy.cutAtChunk(1);
      const results = await settle(records.map((record) => stores.accessTokens.create(record)));
      await cut;
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason as OAuthError;
        expect(error).toBeInstanceOf(OAuthError);
        expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, retryAfterSeconds: 5 });
      }
      await proxy.restore();
      const written = await opened!.db.database.prisma.accessToken.count({ where: { jti: { in: records.map((record) => record.jti) } } });
      expect(written).toBe(0);
      // The same stores work again once the server is reachable.
      const after = accessToken();
      await stores.accessTokens.create(after);
      expect(await stores.accessTokens.find(after.jti, now)).toEqual(after);
    });
  });
});
