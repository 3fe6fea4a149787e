import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { answerClientErrors } from './client-errors.js';
import { runPrimary } from './cluster.js';
import { createProvider } from './create-provider.js';
import { providerLogger } from './observability/provider-logger.js';
import { readEnv } from './env.js';
import { resolveSecretKey } from './secret-key.js';
import { readSeedFile } from './seed/apply-seed.js';
import { openStorage } from './storage.js';

const demoSeed = fileURLToPath(new URL('../seed/demo.yaml', import.meta.url));
// The longest a SIGTERM waits for requests in flight.
const drainSeconds = 10;

/** The connection of `res` closes once `res` is sent, instead of waiting idle for the next request. */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
  else res.once('finish', () => res.socket?.end());
}

async function main(): Promise<void> {
  const env = readEnv();
  const logger = providerLogger(env.LOG_LEVEL);
  if (env.WORKERS > 1 && cluster.isPrimary) return runPrimary(env, logger);
  const seedPath = env.GATEHOUSE_SEED ?? demoSeed;
  const seed = await readSeedFile(seedPath);
  const secretKey = await resolveSecretKey(env.SECRET_KEY, env.DATA_DIR, logger);
  const storage = await openStorage(env, secretKey, logger);
  let draining = false;
  const provider = await createProvider({
    publicUrl: env.PUBLIC_URL,
    secretKey,
    seed,
    logger,
    stores: storage.stores,
    codes: storage.codes,
    ...(storage.redis ? { redis: storage.redis } : {}),
    // Not ready while draining: load balancers stop sending requests before the process goes.
    checkReadiness: () => (draining ? Promise.reject(new Error('shutting down')) : storage.checkReadiness()),
    storeCacheSeconds: env.STORE_CACHE_SECONDS,
    adminGroup: env.ADMIN_GROUP,
    ...(env.RATE_LIMITS === 'off' ? { rateLimits: { token: false, introspection: false, failedClientAuthentication: false } } : {}),
    ...(env.METRICS_TOKEN !== undefined ? { metricsToken: env.METRICS_TOKEN } : {}),
  });
  const listener = createServer(provider.listener).listen(env.PORT, () => {
    const lines = [`Gatehouse is listening on ${env.PUBLIC_URL} (seed: ${seedPath})`];
    for (const app of provider.seed?.applications ?? []) {
      lines.push(`  application ${app.slug}: client_id ${app.clientId}`);
      lines.push(`    discovery: ${env.PUBLIC_URL}/application/o/${app.slug}/.well-known/openid-configuration`);
      if (app.generatedSecret) lines.push(`    generated client_secret (shown once): ${app.generatedSecret}`);
    }
    if (!env.GATEHOUSE_SEED) lines.push('  demo user: demo / demo-password (from the bundled demo seed)');
    // With WORKERS, the first worker speaks for all of them.
    if (cluster.isPrimary || cluster.worker?.id === 1) process.stdout.write(`${lines.join('\n')}\n`);
  });
  answerClientErrors(listener);
  // Responses in flight, so that a drain can close their keep-alive connections once they are sent.
  const inFlight = new Set<ServerResponse>();
  listener.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (draining) closeAfter(res);
  });
  // SIGTERM: stop accepting, let in-flight requests finish (10 s at most) on connections that close
  // after their response, write the audit events still queued, then close the backends.
  let shuttingDown: Promise<void> | undefined;
  const shutDown = () =>
    (shuttingDown ??= provider.server
      .flushEvents()
      .catch((error: unknown) => logger.warn({ err: error }, 'audit events not written at shutdown'))
      .finally(() => storage.close())
      .catch((error: unknown) => logger.warn({ err: error }, 'backends not closed cleanly'))
      .finally(() => process.exit(0)));
  const stop = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    logger.info({ signal, inFlight: inFlight.size }, 'draining: finishing requests in flight');
    for (const res of inFlight) closeAfter(res);
    listener.close(() => void shutDown());
    listener.closeIdleConnections();
    setTimeout(() => {
      logger.warn({ inFlight: inFlight.size }, 'drain timed out: closing the remaining connections');
      listener.closeAllConnections();
      void shutDown();
    }, drainSeconds * 1000).unref();
    // Should closing the backends hang, the process still ends.
    setTimeout(() => process.exit(1), (drainSeconds + 10) * 1000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
