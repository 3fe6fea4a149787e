import type { Stores } from '@gatehouse/core';
import { pino, type Logger } from 'pino';
import { readEnv, type ProviderEnv } from '../env.js';
import { resolveSecretKey } from '../secret-key.js';
import type { CliIo } from './cli-io.js';

/** What every command works with: the streams, the environment, the stores, and the output mode. */
export interface CliContext {
  readonly io: CliIo;
  /** The provider's environment (DESIGN.md §6), checked, and a logger writing JSON lines to stderr. */
  environment(): { readonly env: ProviderEnv; readonly logger: Logger };
  /** Runs `work` on the stores the server reads, opened from the same environment, and closes them. */
  withStores<T>(work: (stores: Stores, env: ProviderEnv) => Promise<T>): Promise<T>;
  /** `value` as JSON with `--json`, `human` otherwise; on stdout. */
  print(value: unknown, human: string): void;
  /** A line on stderr, which scripts reading stdout never see: progress and notes. */
  note(line: string): void;
}

export function createCliContext(io: CliIo, json: () => boolean): CliContext {
  let environment: ReturnType<CliContext['environment']> | undefined;
  const context: CliContext = {
    io,
    environment() {
      if (!environment) {
        const env = readEnv({ ...io.env });
        if (env.GATEHOUSE_STORAGE === 'memory') throw new Error('GATEHOUSE_STORAGE=memory keeps nothing between processes: the CLI needs DATABASE_URL or DATA_DIR');
        // Quieter than the server: a command's own output is what people read.
        const logger = pino({ level: io.env['LOG_LEVEL'] ?? 'warn' }, { write: (line: string) => void io.stderr.write(line) });
        environment = { env, logger };
      }
      return environment;
    },
    async withStores(work) {
      const { env, logger } = context.environment();
      // Loaded on use: Prisma and PGlite take a second to load, which `--help` need not wait for.
      const { openStorage } = await import('../storage.js');
      const secretKey = await resolveSecretKey(env.SECRET_KEY, env.DATA_DIR, logger);
      // Codes are the server's business: the CLI never needs Redis.
      const storage = await openStorage({ ...env, REDIS_URL: undefined }, secretKey, logger);
      try {
        return await work(storage.stores, env);
      } finally {
        await storage.close();
      }
    },
    print(value, human) {
      io.stdout.write(json() ? `${JSON.stringify(value, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`);
    },
    note(line) {
      io.stderr.write(`${line}\n`);
    },
  };
  return context;
}
