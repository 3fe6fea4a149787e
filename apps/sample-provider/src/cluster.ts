import cluster from 'node:cluster';
import type { Logger } from 'pino';
import type { ProviderEnv } from './env.js';
import { resolveSecretKey } from './secret-key.js';

// A worker that keeps dying is a configuration problem, not bad luck: stop instead of looping.
const maxRestartsPerMinute = 10;

/**
 * The primary of `WORKERS=N`: N copies of the provider share the port (node:cluster hands out
 * connections round-robin) and their state through PostgreSQL and Redis. It settles SECRET_KEY
 * once so that every worker signs sessions and salts subjects alike, starts the first worker alone
 * so that it applies migrations and the seed, replaces workers that die, and passes SIGTERM on.
 */
export async function runPrimary(env: ProviderEnv, logger: Logger): Promise<void> {
  const secretKey = await resolveSecretKey(env.SECRET_KEY, env.DATA_DIR, logger);
  let stopping = false;
  const restarts: number[] = [];

  // A worker that exits before it listens fails the start; one that exits later is replaced.
  const replace = (id: number, code: number | null, signal: string | null) => {
    const now = Date.now();
    restarts.push(now);
    while (restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length > maxRestartsPerMinute) {
      logger.fatal({ restarts: restarts.length }, 'workers keep exiting: stopping');
      return process.exit(1);
    }
    logger.warn({ worker: id, code, signal }, 'worker exited: starting another');
    fork(false).catch((error: unknown) => logger.error({ err: error }, 'replacement worker failed to start'));
  };
  const fork = (first: boolean) =>
    new Promise<void>((resolve, reject) => {
      // Workers after the first apply no migrations: the first one did, before they start.
      const worker = cluster.fork({ SECRET_KEY: secretKey, ...(first ? {} : { MIGRATE_ON_START: 'false' }) });
      let listening = false;
      worker.once('listening', () => {
        listening = true;
        resolve();
      });
      worker.once('exit', (code, signal) => {
        if (stopping) return resolve();
        if (!listening) return reject(new Error(`worker ${worker.id} exited (${signal ?? code}) before it listened`));
        replace(worker.id, code, signal);
      });
    });

  // Before the first fork: a SIGTERM during start-up stops the workers already forked too.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Each worker drains its own requests (main.ts), then exits; the primary follows the last one.
    const exitWhenAlone = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    };
    cluster.on('exit', exitWhenAlone);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    exitWhenAlone();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  await fork(true);
  await Promise.all(Array.from({ length: env.WORKERS - 1 }, () => fork(false)));
  logger.info({ workers: env.WORKERS }, 'all workers listening');
}
