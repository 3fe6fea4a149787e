import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createProvider } from './create-provider.js';
import { readEnv } from './env.js';
import { resolveSecretKey } from './secret-key.js';
import { readSeedFile } from './seed/apply-seed.js';
import { openStorage } from './storage.js';

const demoSeed = fileURLToPath(new URL('../seed/demo.yaml', import.meta.url));

async function main(): Promise<void> {
  const env = readEnv();
  const logger = pino({ level: env.LOG_LEVEL });
  const seedPath = env.GATEHOUSE_SEED ?? demoSeed;
  const seed = await readSeedFile(seedPath);
  const secretKey = await resolveSecretKey(env.SECRET_KEY, env.DATA_DIR, logger);
  const storage = await openStorage(env, secretKey, logger);
  const provider = await createProvider({
    publicUrl: env.PUBLIC_URL,
    secretKey,
    seed,
    logger,
    stores: storage.stores,
    codes: storage.codes,
    ...(storage.redis ? { redis: storage.redis } : {}),
    checkReadiness: () => storage.checkReadiness(),
  });
  const listener = provider.app.listen(env.PORT, () => {
    const lines = [`Gatehouse is listening on ${env.PUBLIC_URL} (seed: ${seedPath})`];
    for (const app of provider.seed?.applications ?? []) {
      lines.push(`  application ${app.slug}: client_id ${app.clientId}`);
      lines.push(`    discovery: ${env.PUBLIC_URL}/application/o/${app.slug}/.well-known/openid-configuration`);
      if (app.generatedSecret) lines.push(`    generated client_secret (shown once): ${app.generatedSecret}`);
    }
    if (!env.GATEHOUSE_SEED) lines.push('  demo user: demo / demo-password (from the bundled demo seed)');
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  // SIGTERM: stop accepting, let in-flight requests finish (10 s at most), then close the backends.
  const stop = () => {
    listener.close(() => void storage.close().finally(() => process.exit(0)));
    listener.closeIdleConnections();
    setTimeout(() => {
      listener.closeAllConnections();
      void storage.close().finally(() => process.exit(0));
    }, 10_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
