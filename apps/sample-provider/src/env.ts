import { z } from 'zod';

/** The environment contract of the reference provider (DESIGN.md §6). */
const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(9000),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
    GATEHOUSE_SEED: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().optional(),
    REDIS_URL: z.string().optional(),
    MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
    /** Seconds applications, users and stored scope mappings stay cached per process (core's storeCacheSeconds). */
    STORE_CACHE_SECONDS: z.coerce.number().int().min(0).default(5),
    /** `memory`: every store in this process's memory, nothing persisted (benchmarks, demos). */
    GATEHOUSE_STORAGE: z.enum(['database', 'memory']).default('database'),
    /** `off`: no rate limits at the token, introspection and other client endpoints (benchmarks only). */
    RATE_LIMITS: z.enum(['on', 'off']).default('on'),
    /** Processes serving the port (node:cluster); more than one needs DATABASE_URL and REDIS_URL. */
    WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    /** Members of this group may use the management API at /api/v1. */
    ADMIN_GROUP: z.string().min(1).default('admins'),
    /** The bearer token `GET /metrics` requires; without it the metrics are open to whoever reaches the port. */
    METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  })
  .refine((env) => env.WORKERS === 1 || (env.DATABASE_URL && env.REDIS_URL && env.GATEHOUSE_STORAGE === 'database'), {
    message: 'WORKERS above 1 needs DATABASE_URL and REDIS_URL: workers share their state only through PostgreSQL and Redis',
    path: ['WORKERS'],
  })
  .transform((env) => ({ ...env, PUBLIC_URL: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '') }));

export type ProviderEnv = z.output<typeof envSchema>;

/** Reads and checks the environment; a wrong value stops the start with a message naming it. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): ProviderEnv {
  const result = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!result.success) throw new Error(`invalid environment:\n${z.prettifyError(result.error)}`);
  return result.data;
}
