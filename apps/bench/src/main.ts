// `pnpm bench`: Gatehouse side by side with oidc-provider and the bare-Express ceiling, in one
// run, each server its own process on core 0 and autocannon on core 1 (see run/cpu-affinity.ts).
// Prints the table and rewrites the generated section of docs/benchmarks.md.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChartSvg } from './report/chart.js';
import type { ScenarioResult } from './report/results.js';
import { markdownSection, scaleOutTable } from './report/section.js';
import { footnotes, tableRows, textTable } from './report/table.js';
import { writeDocs } from './report/write-docs.js';
import { createBenchDatabase, redisAnswers, type BenchDatabase } from './run/backends.js';
import { killAllNow, stopAll } from './run/child-processes.js';
import { pinSelf, planCores } from './run/cpu-affinity.js';
import { runTarget } from './run/run-target.js';
import { readSettings } from './settings.js';
import { expressCeiling } from './targets/express-ceiling-target.js';
import { gatehouse } from './targets/gatehouse-target.js';
import { writeBenchSeed } from './targets/gatehouse-seed.js';
import { oidcProvider } from './targets/oidc-provider-target.js';
import { runOrder, scenarios, type ScenarioName } from './targets/target.js';

const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
const chartFile = 'benchmarks.svg';
const tableOrder: readonly ScenarioName[] = ['ceiling', ...scenarios];
const log = (line: string) => process.stderr.write(`${line}\n`);

const startedAt = new Date();
const loadAtStart = loadavg()[0]!;
const settings = readSettings();
const cores = planCores();
pinSelf(cores);
const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
let database: BenchDatabase | null = null;

// Whatever happens, the servers this run started stop and its database goes.
let cleaning: Promise<void> | null = null;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await stopAll();
    await database?.drop().catch((error: unknown) => log(`could not drop the bench database: ${String(error)}`));
    await rm(workDir, { recursive: true, force: true });
  })());
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers of this run`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function run(): Promise<void> {
  const wanted = (id: string) => !settings.servers || settings.servers.has(id);
  const order = runOrder.filter((scenario) => !settings.scenarios || settings.scenarios.has(scenario));
  log(`gatehouse bench: ${cores.description}; ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per scenario`);
  const seedPath = await writeBenchSeed(workDir);
  const common = { seedPath, serverCpus: cores.server, cpuProfileDir: settings.cpuProfileDir };
  const main: ScenarioResult[] = [];
  const scaleOut: ScenarioResult[] = [];
  const skipped: string[] = [];

  if (wanted('express')) main.push(...(await runTarget(expressCeiling(cores.server), ['ceiling'], settings)));
  if (wanted('oidc-provider')) main.push(...(await runTarget(oidcProvider(cores.server), order, settings)));
  if (wanted('memory')) {
    const target = gatehouse({ ...common, id: 'memory', label: 'Gatehouse (memory)', env: { GATEHOUSE_STORAGE: 'memory', DATA_DIR: join(workDir, 'memory') } });
    main.push(...(await runTarget(target, order, settings)));
  }
  if (wanted('pglite')) {
    const target = gatehouse({ ...common, id: 'pglite', label: 'Gatehouse (PGlite)', env: { DATA_DIR: join(workDir, 'pglite') } });
    main.push(...(await runTarget(target, order, settings)));
  }
  if (wanted('postgres') || wanted('scale-out')) {
    if (!(await redisAnswers(settings.redisUrl))) skipped.push(`PostgreSQL + Redis rows: no Redis at ${settings.redisUrl}`);
    else if (!(database = await createBenchDatabase(settings.postgresUrl))) skipped.push(`PostgreSQL + Redis rows: no PostgreSQL at ${settings.postgresUrl}`);
  }
  if (database) {
    const env = { DATABASE_URL: database.url, REDIS_URL: settings.redisUrl, DATA_DIR: join(workDir, 'postgres') };
    if (wanted('postgres')) {
      main.push(...(await runTarget(gatehouse({ ...common, id: 'postgres', label: 'Gatehouse (PostgreSQL + Redis)', env }), order, settings)));
    }
    if (wanted('scale-out') && (!settings.scenarios || settings.scenarios.has('client_credentials'))) {
      // Unpinned: a second worker needs a second core. Both rows run the same way.
      for (const workers of [1, 2]) {
        const label = `${workers} process${workers > 1 ? 'es' : ''}`;
        const target = gatehouse({ ...common, serverCpus: null, id: `scale-${workers}`, label, env, workers });
        scaleOut.push(...(await runTarget(target, ['client_credentials'], settings)));
      }
    }
  }
  for (const line of skipped) log(`skipped: ${line}`);

  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const rows = tableRows(main, tableOrder);
  const scale = scaleOutTable(scaleOut);
  const notes = [...footnotes(main), ...footnotes(scaleOut)];
  process.stdout.write(`\n${textTable(rows)}\n`);
  if (scale) process.stdout.write(`\nScale out (client_credentials, PostgreSQL + Redis, node:cluster workers, unpinned):\n${scale}\n`);
  if (notes.length) process.stdout.write(`\n${notes.map((note) => `note: ${note}`).join('\n')}\n`);
  process.stdout.write(`\nwhole run: ${Math.round(wallSeconds)} s; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end\n`);

  if (settings.writeDocs) {
    const info = {
      startedAt,
      wallSeconds,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      nodeVersion: process.version,
      cores: cores.description,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      connections: settings.connections,
      loadAverage: [loadAtStart, loadavg()[0]!] as const,
      skipped,
    };
    const chart = barChartSvg([...main], tableOrder, `Requests per second, ${settings.connections} connections, one core per server`);
    const path = await writeDocs(docsDir, markdownSection(info, main, scaleOut, tableOrder, chartFile), chart, chartFile);
    log(`wrote ${path} and ${chartFile}`);
  }
}

try {
  await run();
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
