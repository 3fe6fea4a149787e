/** What a `pnpm bench` run does, from the environment (every variable is optional). */
export interface BenchSettings {
  /** Measured seconds per scenario (BENCH_DURATION, default 5). */
  readonly durationSeconds: number;
  /** Unmeasured seconds before each measured run (BENCH_WARMUP, default 2): JIT, pools, caches. */
  readonly warmupSeconds: number;
  /** Concurrent keep-alive connections (BENCH_CONNECTIONS, default 50). */
  readonly connections: number;
  /** Only these servers, by id (BENCH_SERVERS=express,memory,oidc-provider), or all. */
  readonly servers: ReadonlySet<string> | null;
  /** Only these scenarios (BENCH_SCENARIOS=client_credentials,jwks), or all. */
  readonly scenarios: ReadonlySet<string> | null;
  /** Writes `node --cpu-prof` profiles of the Gatehouse processes here (BENCH_CPU_PROF=dir). */
  readonly cpuProfileDir: string | null;
  /** Whether docs/benchmarks.md is rewritten (BENCH_WRITE_DOCS; default: only when every server ran). */
  readonly writeDocs: boolean;
  /** PostgreSQL server for the PostgreSQL + Redis rows (BENCH_DATABASE_URL). */
  readonly postgresUrl: string;
  /** Redis for the PostgreSQL + Redis rows (BENCH_REDIS_URL). */
  readonly redisUrl: string;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

export function readSettings(): BenchSettings {
  const list = (name: string) => {
    const raw = process.env[name];
    return raw ? new Set(raw.split(',').map((id) => id.trim()).filter(Boolean)) : null;
  };
  const servers = list('BENCH_SERVERS');
  const scenarios = list('BENCH_SCENARIOS');
  return {
    durationSeconds: positiveNumber('BENCH_DURATION', 5),
    warmupSeconds: positiveNumber('BENCH_WARMUP', 2),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 50)),
    servers,
    scenarios,
    cpuProfileDir: process.env['BENCH_CPU_PROF'] || null,
    writeDocs: process.env['BENCH_WRITE_DOCS'] ? process.env['BENCH_WRITE_DOCS'] === 'true' : !servers && !scenarios,
    postgresUrl: process.env['BENCH_DATABASE_URL'] || 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379',
  };
}
