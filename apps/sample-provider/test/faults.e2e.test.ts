// The reference provider as a process of its own (dist/main.js), its PostgreSQL behind a TCP proxy
// on loopback that the tests stall or cut: the token endpoint answers 503 temporarily_unavailable
// with Retry-After and request_id instead of hanging, /readyz follows the database while /healthz
// stays up, everything recovers by itself, and wherever the database goes away during a code
// exchange or a refresh, nothing is left half-written (checked in the tables).
import { createHash } from 'node:crypto';
import { describeRequiring } from '@gatehouse/core/testing';
import { createPostgresDatabase, startTcpProxy, type TcpProxy, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { freePort, startRedisServer, type RedisServerProcess } from '@gatehouse/redis-code-cache/testing';
import {
  authorizationCode,
  backendsRequirement,
  eventually,
  exchangeCode,
  jtiOf,
  postgresUrl,
  refreshTokens,
  seedDirectory,
  statusOf,
  userinfoStatus,
  type TokenBody,
} from './backend-e2e.js';
import { Browser } from './browser.js';
import { spawnProvider, type ProviderProcess } from './spawn-provider.js';

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

/** The answer the token endpoint gives for a database outage: nothing about the database itself. */
async function expectDatabaseUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  expect(await res.json()).toEqual({
    error: 'temporarily_unavailable',
    error_description: 'the database is unavailable; try again shortly',
    request_id: requestId,
  });
}

describeRequiring('the provider while its PostgreSQL fails', backendsRequirement(), () => {
  let db: TestDatabase;
  let direct: TestDatabase['database']['prisma'];
  let redis: RedisServerProcess;
  let proxy: TcpProxy;
  let provider: ProviderProcess;
  let browser: Browser;
  let readyz: string;
  let healthz: string;

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    direct = db.database.prisma;
    redis = await startRedisServer(await freePort());
    const { hostname, port } = new URL(db.url);
    proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
    const { dir, seedFile } = await seedDirectory();
    const providerPort = await freePort();
    // The default timeouts of the process: 2 s to connect, 5 s per statement (+1 s without any answer).
    provider = await spawnProvider({
      PORT: String(providerPort),
      PUBLIC_URL: `http://127.0.0.1:${providerPort}`,
      DATABASE_URL: proxy.urlThrough(db.url),
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      SECRET_KEY: 'faults-e2e-secret-key-0123456789abcdefghij',
      GATEHOUSE_SEED: seedFile,
      DATA_DIR: dir,
    });
    readyz = `${provider.baseUrl}/readyz`;
    healthz = `${provider.baseUrl}/healthz`;
    browser = new Browser();
  }, 90_000);

  afterAll(async () => {
    await provider?.stop();
    await proxy?.close();
    await redis?.kill();
    await db?.drop();
  }, 30_000);

  afterEach(async () => {
    proxy.resume();
    await proxy.restore();
    await eventually(async () => (await statusOf(readyz)) === 200, 15_000, '/readyz 200');
  }, 20_000);

  it('answers 503 at once while PostgreSQL is gone, /readyz 503 and /healthz 200, and recovers by itself; the code still works', async () => {
    const { code, verifier } = await authorizationCode(browser, provider.baseUrl);
    await proxy.cut();

    const { value: down, ms } = await timed(() => exchangeCode(provider.baseUrl, code, verifier));
    await expectDatabaseUnavailable(down);
    expect(ms).toBeLessThan(3000);
    expect(await statusOf(readyz)).toBe(503);
    expect(await statusOf(healthz)).toBe(200);

    await proxy.restore();
    await eventually(async () => (await statusOf(readyz)) === 200, 10_000, '/readyz 200 after the database returned');
    // The exchange failed before the code was consumed: the client's retry gets the tokens.
    const retry = await exchangeCode(provider.baseUrl, code, verifier);
    expect(retry.status).toBe(200);
    const tokens = (await retry.json()) as TokenBody;
    expect(await userinfoStatus(provider.baseUrl, tokens.access_token)).toBe(200);
    // And a new code flow end to end.
    const fresh = await authorizationCode(browser, provider.baseUrl);
    expect((await exchangeCode(provider.baseUrl, fresh.code, fresh.verifier)).status).toBe(200);
  }, 30_000);

  it('answers 503 within the timeouts while PostgreSQL stalls, without hanging, and recovers once it answers', async () => {
    const { code, verifier } = await authorizationCode(browser, provider.baseUrl);
    proxy.pause();

    const [{ value: stalled, ms }, ready, { value: health, ms: healthMs }] = await Promise.all([
      timed(() => exchangeCode(provider.baseUrl, code, verifier)),
      timed(() => statusOf(readyz)),
      timed(() => statusOf(healthz)),
    ]);
    await expectDatabaseUnavailable(stalled);
    // At most the statement deadline (6 s) for a pooled connection, plus slack.
    expect(ms).toBeLessThan(8500);
    expect(ready.value).toBe(503);
    expect(ready.ms).toBeLessThan(3000);
    expect(health).toBe(200);
    expect(healthMs).toBeLessThan(1000);

    proxy.resume();
    await eventually(async () => (await statusOf(readyz)) === 200, 10_000, '/readyz 200 after the database answered again');
    // The exchange writes in one statement: one that reached PostgreSQL after the provider gave up
    // on it may have committed, and the retry is then refused as a replay (everything revoked).
    const retry = await exchangeCode(provider.baseUrl, code, verifier);
    if (retry.status !== 200) {
      expect(retry.status).toBe(400);
      expect(await retry.json()).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization code was already used' });
    }
    const next = await authorizationCode(browser, provider.baseUrl);
    expect((await exchangeCode(provider.baseUrl, next.code, next.verifier)).status).toBe(200);
  }, 30_000);

  it('never half-redeems a code: wherever PostgreSQL goes away in the exchange, the retry gets tokens, or is refused as a replay with all revoked', async () => {
    // Each round cuts at the n-th chunk the provider sends to PostgreSQL during one exchange:
    // before the server gets it, or right after (so a COMMIT can happen with its answer lost).
    const outcomes: { readonly round: string; readonly outcome: 'answered' | 'retried' | 'replayed' }[] = [];
    const issued: string[] = [];
    const earlier = new Set((await direct.grant.findMany({ select: { id: true } })).map((grant) => grant.id));
    for (const deliver of [false, true]) {
      for (let n = 1; n <= 40; n++) {
        const round = `${deliver ? 'after' : 'before'} chunk ${n}`;
        const { code, verifier } = await authorizationCode(browser, provider.baseUrl);
        void proxy.cutAtChunk(n, { deliver });
        const first = await exchangeCode(provider.baseUrl, code, verifier);
        const tripped = !proxy.armed;
        await proxy.restore();
        if (!tripped) {
          // The exchange is over before its n-th chunk: every position has been tried.
          expect(first.status).toBe(200);
          issued.push(jtiOf(((await first.json()) as TokenBody).access_token));
          outcomes.push({ round, outcome: 'answered' });
          break;
        }
        await eventually(async () => (await statusOf(readyz)) === 200, 10_000, '/readyz 200');
        if (first.status === 200) {
          issued.push(jtiOf(((await first.json()) as TokenBody).access_token));
          outcomes.push({ round, outcome: 'answered' });
          continue;
        }
        await expectDatabaseUnavailable(first);
        const retry = await exchangeCode(provider.baseUrl, code, verifier);
        if (retry.status === 200) {
          const tokens = (await retry.json()) as TokenBody;
          expect(await userinfoStatus(provider.baseUrl, tokens.access_token)).toBe(200);
          issued.push(jtiOf(tokens.access_token));
          outcomes.push({ round, outcome: 'retried' });
        } else {
          // Only when the COMMIT went through and its answer was lost: the retry looks like a replay.
          expect(deliver).toBe(true);
          expect(retry.status).toBe(400);
          expect(await retry.json()).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization code was already used' });
          outcomes.push({ round, outcome: 'replayed' });
        }
      }
    }
    // Both sweeps reached the end of the exchange, and in each some round did fail mid-way (the
    // exchange writes its grant and tokens in one statement: there are few places to fail).
    for (const sweep of ['before', 'after']) {
      expect(outcomes.filter(({ round, outcome }) => round.startsWith(sweep) && outcome !== 'answered').length).toBeGreaterThan(0);
    }

    // In the tables: one access token per grant and no token without its grant; the grants of
    // answered or retried exchanges are live, those refused as replays are revoked with their tokens.
    const grants = (await direct.grant.findMany()).filter((grant) => !earlier.has(grant.id));
    const accessTokens = (await direct.accessToken.findMany()).filter((token) => !earlier.has(token.grantId ?? ''));
    expect(accessTokens.filter((token) => !grants.some((grant) => grant.id === token.grantId))).toEqual([]);
    for (const grant of grants) {
      const tokens = accessTokens.filter((token) => token.grantId === grant.id);
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.revokedAt === null).toBe(grant.revokedAt === null);
    }
    const live = grants.filter((grant) => grant.revokedAt === null);
    expect(live).toHaveLength(outcomes.filter(({ outcome }) => outcome !== 'replayed').length);
    expect(grants.length - live.length).toBe(outcomes.filter(({ outcome }) => outcome === 'replayed').length);
    expect(new Set(accessTokens.filter((token) => token.revokedAt === null).map((token) => token.jti))).toEqual(new Set(issued));
    expect(await direct.refreshToken.count({ where: { grantId: { in: grants.map((grant) => grant.id) } } })).toBe(0);
  }, 240_000);

  it('never loses a refresh token to an outage: wherever PostgreSQL goes away in a refresh, an immediate retry gets the one successor', async () => {
    let rounds = 0;
    for (const deliver of [false, true]) {
      for (let n = 1; n <= 40; n++) {
        const { code, verifier } = await authorizationCode(browser, provider.baseUrl, 'openid offline_access');
        const issued = (await (await exchangeCode(provider.baseUrl, code, verifier)).json()) as TokenBody;
        const presented = issued.refresh_token!;
        void proxy.cutAtChunk(n, { deliver });
        const first = await refreshTokens(provider.baseUrl, presented);
        const tripped = !proxy.armed;
        await proxy.restore();
        if (!tripped) {
          expect(first.status).toBe(200);
          break;
        }
        rounds++;
        await eventually(async () => (await statusOf(readyz)) === 200, 10_000, '/readyz 200');
        let successor: string;
        if (first.status === 200) {
          successor = ((await first.json()) as TokenBody).refresh_token!;
        } else {
          await expectDatabaseUnavailable(first);
          // Within the grace window (5 s) a retry with the same token is served as the same rotation.
          const retry = await refreshTokens(provider.baseUrl, presented);
          expect(retry.status).toBe(200);
          successor = ((await retry.json()) as TokenBody).refresh_token!;
        }
        const previous = await direct.refreshToken.findUniqueOrThrow({ where: { tokenDigest: digest(presented) } });
        expect(previous).toMatchObject({ replacedBy: digest(successor), revokedAt: null });
        expect(previous.rotatedAt).not.toBeNull();
        const family = await direct.refreshToken.findMany({ where: { familyId: previous.familyId } });
        expect(family.map((row) => row.tokenDigest).sort()).toEqual([digest(presented), digest(successor)].sort());
        // The successor works.
        expect((await refreshTokens(provider.baseUrl, successor)).status).toBe(200);
      }
    }
    expect(rounds).toBeGreaterThan(4);
  }, 240_000);
});
