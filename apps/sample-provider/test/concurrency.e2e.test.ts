// Races across two provider processes (dist/main.js) sharing one PostgreSQL database and one Redis,
// as behind a load balancer: one code redeemed 50 times at once, one refresh token refreshed 20
// times at once, and a SIGTERM while a slow request is in flight. What each race may produce is
// checked in the tables, through a direct connection.
import { createHash } from 'node:crypto';
import { describeRequiring } from '@gatehouse/core/testing';
import { createPostgresDatabase, startTcpProxy, type TcpProxy, type TestDatabase } from '@gatehouse/prisma-store/testing';
import { freePort, startRedisServer, type RedisServerProcess } from '@gatehouse/redis-code-cache/testing';
import {
  authorizationCode,
  backendsRequirement,
  exchangeCode,
  jtiOf,
  postgresUrl,
  refreshTokens,
  seedDirectory,
  userinfoStatus,
  type TokenBody,
} from './backend-e2e.js';
import { Browser } from './browser.js';
import { spawnProvider, type ProviderProcess } from './spawn-provider.js';

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRequiring('two provider processes racing on one PostgreSQL and one Redis', backendsRequirement(), () => {
  let db: TestDatabase;
  let direct: TestDatabase['database']['prisma'];
  let redis: RedisServerProcess;
  let a: ProviderProcess;
  let b: ProviderProcess;
  let env: Record<string, string>;
  const spawned: ProviderProcess[] = [];
  const browser = new Browser();

  beforeAll(async () => {
    db = await createPostgresDatabase(postgresUrl);
    direct = db.database.prisma;
    redis = await startRedisServer(await freePort());
    const { dir, seedFile } = await seedDirectory();
    const portA = await freePort();
    env = {
      PUBLIC_URL: `http://127.0.0.1:${portA}`,
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      SECRET_KEY: 'concurrency-e2e-secret-key-0123456789abcdefgh',
      GATEHOUSE_SEED: seedFile,
      DATA_DIR: dir,
    };
    // Should one fail to start, the other is still stopped in afterAll (it would keep Jest running).
    const started = await Promise.allSettled([spawnProvider({ ...env, PORT: String(portA) }), spawnProvider(env)]);
    for (const result of started) if (result.status === 'fulfilled') spawned.push(result.value);
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    [a, b] = spawned as [ProviderProcess, ProviderProcess];
  }, 90_000);

  afterAll(async () => {
    await Promise.all(spawned.map((provider) => provider.stop()));
    await redis?.kill();
    await db?.drop();
  }, 30_000);

  it('redeems one code exactly once of 50 parallel exchanges across both, and the replays revoke all the winner got', async () => {
    const { code, verifier } = await authorizationCode(browser, a.baseUrl, 'openid profile offline_access');
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => exchangeCode((i % 2 === 0 ? a : b).baseUrl, code, verifier)));
    const bodies = await Promise.all(responses.map(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> })));

    // The consume is atomic across processes: one winner; every other exchange is a replay
    // (never a 5xx: the parallel replays wait on the grant's lock, well within the timeouts).
    const winners = bodies.filter(({ status }) => status === 200);
    expect(winners).toHaveLength(1);
    const losers = bodies.filter(({ status }) => status !== 200);
    expect(losers).toHaveLength(49);
    for (const { status, body } of losers) {
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization code was already used' });
    }

    // In the tables: one grant, and only the winner's tokens for it, no orphans from the losers.
    // Each replay revokes the grant (RFC 6749 §4.1.2) and does so under the grant's lock, after
    // the winner's transaction committed: so the grant and every token of it end up revoked, even
    // for replays that lost the race while the winner was still writing.
    const tokens = winners[0]!.body as unknown as TokenBody;
    const accessToken = await direct.accessToken.findUniqueOrThrow({ where: { jti: jtiOf(tokens.access_token) } });
    const grantId = accessToken.grantId!;
    expect(grantId).toBeTruthy();
    const grants = await direct.grant.findMany({ where: { id: grantId } });
    expect(grants).toHaveLength(1);
    expect(grants[0]!.revokedAt).not.toBeNull();
    const accessTokens = await direct.accessToken.findMany({ where: { grantId } });
    expect(accessTokens.map((row) => row.jti)).toEqual([accessToken.jti]);
    expect(accessTokens[0]!.revokedAt).not.toBeNull();
    const refreshRows = await direct.refreshToken.findMany({ where: { grantId } });
    expect(refreshRows.map((row) => row.tokenDigest)).toEqual([digest(tokens.refresh_token!)]);
    expect(refreshRows[0]!.revokedAt).not.toBeNull();
    // Both processes see the revocation.
    expect(await userinfoStatus(a.baseUrl, tokens.access_token)).toBe(401);
    expect(await userinfoStatus(b.baseUrl, tokens.access_token)).toBe(401);
    expect((await refreshTokens(b.baseUrl, tokens.refresh_token!)).status).toBe(400);
  }, 60_000);

  it('rotates one refresh token once of 20 parallel refreshes across both: every answer within the grace window carries the same successor', async () => {
    const { code, verifier } = await authorizationCode(browser, a.baseUrl, 'openid offline_access');
    const issued = (await (await exchangeCode(b.baseUrl, code, verifier)).json()) as TokenBody;
    const presented = issued.refresh_token!;

    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => refreshTokens((i % 2 === 0 ? a : b).baseUrl, presented)));
    const bodies = await Promise.all(responses.map(async (res) => ({ status: res.status, body: (await res.json()) as TokenBody })));
    // All 20 arrive within the grace window (5 s): one rotates, the others are served the same
    // successor (derived from the presented token), none is taken for a reuse.
    expect(bodies.map(({ status }) => status)).toEqual(Array(20).fill(200));
    const successors = new Set(bodies.map(({ body }) => body.refresh_token));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor).not.toBe(presented);

    // In the tables: the presented token rotated once, to exactly one successor row; the grant
    // is live and each answer got an access token of its own.
    const previous = await direct.refreshToken.findUniqueOrThrow({ where: { tokenDigest: digest(presented) } });
    expect(previous).toMatchObject({ replacedBy: digest(successor), revokedAt: null });
    const family = await direct.refreshToken.findMany({ where: { familyId: previous.familyId } });
    expect(family.map((row) => row.tokenDigest).sort()).toEqual([digest(presented), digest(successor)].sort());
    expect(family.find((row) => row.tokenDigest === digest(successor))).toMatchObject({ rotatedAt: null, revokedAt: null });
    expect(await direct.grant.findUniqueOrThrow({ where: { id: previous.grantId } })).toMatchObject({ revokedAt: null });
    const jtis = new Set(bodies.map(({ body }) => jtiOf(body.access_token)));
    expect(jtis.size).toBe(20);
    expect(await direct.accessToken.count({ where: { grantId: previous.grantId, revokedAt: null } })).toBe(21);
    // The successor works at either process.
    expect((await refreshTokens(b.baseUrl, successor)).status).toBe(200);
  }, 60_000);

  describe('SIGTERM', () => {
    let proxy: TcpProxy;
    let c: ProviderProcess;
    beforeAll(async () => {
      // A third process whose PostgreSQL is behind a proxy, to hold a request in flight.
      const { hostname, port } = new URL(db.url);
      proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
      c = await spawnProvider({ ...env, DATABASE_URL: proxy.urlThrough(db.url) });
    }, 60_000);
    afterAll(async () => {
      await c?.stop();
      await proxy?.close();
    });

    it('lets a slow request in flight finish, refuses new connections meanwhile, then exits 0', async () => {
      const { code, verifier } = await authorizationCode(browser, a.baseUrl);
      // The database stalls: the exchange waits on its first query (the deadline is 6 s).
      proxy.pause();
      let answeredAt = 0;
      const inFlight = exchangeCode(c.baseUrl, code, verifier).then((res) => {
        answeredAt = performance.now();
        return res;
      });
      await sleep(500);
      c.kill('SIGTERM');
      const exitedAt = c.exited.then((exitCode) => ({ exitCode, at: performance.now() }));
      await sleep(500);
      // Still draining: new connections are refused, the request is still in flight.
      await expect(fetch(`${c.baseUrl}/healthz`)).rejects.toThrow();
      expect(answeredAt).toBe(0);

      proxy.resume();
      const res = await inFlight;
      expect(res.status).toBe(200);
      const tokens = (await res.json()) as TokenBody;
      expect(await userinfoStatus(a.baseUrl, tokens.access_token)).toBe(200);
      const { exitCode, at } = await exitedAt;
      expect(exitCode).toBe(0);
      // It exits once the response is out (keep-alive connections are closed), not at the 10 s limit.
      expect(at - answeredAt).toBeLessThan(3000);
    }, 30_000);
  });
});
