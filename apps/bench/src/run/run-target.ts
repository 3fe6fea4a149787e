import type { ScenarioResult } from '../report/results.js';
import type { BenchSettings } from '../settings.js';
import { scenarioLabels, type ScenarioName, type Target } from '../targets/target.js';
import { probe, runLoad, type LoadRequest } from './load.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Codes to mint for a code-exchange run: what the server did on client_credentials (always
 * cheaper than an exchange) over warm-up and run, with a margin. Running dry shows as a note.
 */
function requestBudget(settings: BenchSettings, clientCredentialsRps: number | undefined): number {
  const seconds = settings.warmupSeconds + settings.durationSeconds;
  const rate = clientCredentialsRps ?? 5000;
  return Math.min(150_000, Math.ceil(rate * seconds * 1.3) + settings.connections * 4);
}

async function measureScenario(target: Target, scenario: ScenarioName, request: LoadRequest, settings: BenchSettings): Promise<Omit<ScenarioResult, 'server' | 'serverLabel' | 'scenario'>> {
  // A full collection in the load generator first: the codes and bodies of the last scenario
  // must not be collected while this one is measured (main.js runs with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const answer = await probe(target.url, request);
  if (answer.status === 0) return { measurement: null, failure: `not the work compared: ${answer.body}` };
  if (answer.status < 200 || answer.status > 299) return { measurement: null, failure: `HTTP ${answer.status}: ${answer.body}` };
  const load = { url: target.url, connections: settings.connections };
  await runLoad(request, { ...load, durationSeconds: settings.warmupSeconds });
  const measurement = await runLoad(request, { ...load, durationSeconds: settings.durationSeconds });
  const notes: string[] = [];
  const overdrawn = request.overdrawn?.() ?? 0;
  if (overdrawn > 0) notes.push(`${overdrawn} requests found no fresh code (minted too few)`);
  else if (measurement.non2xx > 0) {
    // Worked alone, failed under load: show what the server says now.
    const after = await probe(target.url, request);
    notes.push(`under load: ${measurement.non2xx} non-2xx; a request now answers ${after.status} ${after.body.slice(0, 200)}`);
  }
  log(`  ${scenarioLabels[scenario].padEnd(30)} ${Math.round(measurement.rps).toString().padStart(7)} req/s  p50 ${measurement.p50} ms  p99 ${measurement.p99} ms  errors ${measurement.errors + measurement.non2xx}`);
  return { measurement, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/** Starts a server, runs each of `order` it supports, stops it. A failure fails that cell, not the run. */
export async function runTarget(target: Target, order: readonly ScenarioName[], settings: BenchSettings): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const cell = (scenario: ScenarioName, rest: Omit<ScenarioResult, 'server' | 'serverLabel' | 'scenario'>) =>
    results.push({ server: target.id, serverLabel: target.label, scenario, ...rest });
  log(`${target.label}: starting`);
  try {
    await target.start();
  } catch (error) {
    const failure = `did not start: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}`;
    log(`  ${failure}`);
    for (const scenario of order) cell(scenario, { measurement: null, failure });
    return results;
  }
  try {
    for (const scenario of order) {
      try {
        const clientCredentials = results.find((result) => result.scenario === 'client_credentials')?.measurement?.rps;
        const request = await target.prepare(scenario, { requestBudget: requestBudget(settings, clientCredentials) });
        if (!request) continue;
        const outcome = await measureScenario(target, scenario, request, settings);
        if (outcome.failure) log(`  ${scenarioLabels[scenario].padEnd(30)} FAILED ${outcome.failure}`);
        cell(scenario, outcome);
      } catch (error) {
        const failure = (error as Error).message.slice(0, 500);
        log(`  ${scenarioLabels[scenario].padEnd(30)} FAILED ${failure}`);
        cell(scenario, { measurement: null, failure });
      }
    }
  } finally {
    await target.stop();
  }
  return results;
}
