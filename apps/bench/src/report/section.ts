import type { ScenarioName } from '../targets/target.js';
import { footnotes, markdownTable, tableRows } from './table.js';
import type { RunInfo, ScenarioResult } from './results.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The scale-out rows as Markdown: workers, req/s and the gain over one process. */
export function scaleOutTable(results: readonly ScenarioResult[]): string | null {
  if (results.length === 0) return null;
  const one = results.find((r) => r.server === 'scale-1')?.measurement?.rps;
  const lines = ['| processes | req/s | p50 ms | p99 ms | errors/non-2xx | × 1 process |', '|---|---:|---:|---:|---:|---:|'];
  for (const result of results) {
    const m = result.measurement;
    const gain = m && one ? `${(m.rps / one).toFixed(2)}×` : '—';
    lines.push(`| ${result.serverLabel} | ${m ? integer.format(m.rps) : 'failed'} | ${m?.p50 ?? '—'} | ${m?.p99 ?? '—'} | ${m ? m.errors + m.non2xx : '—'} | ${gain} |`);
  }
  return lines.join('\n');
}

/** The generated section of docs/benchmarks.md. */
export function markdownSection(info: RunInfo, main: readonly ScenarioResult[], scaleOut: readonly ScenarioResult[], order: readonly ScenarioName[], chartFile: string): string {
  const scale = scaleOutTable(scaleOut);
  const notes = [...footnotes(main), ...footnotes(scaleOut), ...info.skipped.map((line) => `skipped: ${line}`)];
  return [
    `Last run: ${info.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${info.nodeVersion}, ${info.cpuModel}. ${info.cores}. ` +
      `autocannon, ${info.connections} connections, ${info.warmupSeconds} s warm-up then ${info.durationSeconds} s measured per scenario, loopback. ` +
      `Whole run: ${Math.round(info.wallSeconds)} s. Load average (1 min) ${info.loadAverage[0].toFixed(1)} at the start, ${info.loadAverage[1].toFixed(1)} at the end` +
      (Math.max(...info.loadAverage) > 1.5 ? ' (other work was running: absolute figures are low, compare ratios).' : '.'),
    '',
    `![requests per second by scenario and server](${chartFile})`,
    '',
    markdownTable(tableRows(main, order)),
    '',
    ...(scale
      ? [
          '**Scale out** (client_credentials, the reference provider on PostgreSQL + Redis as node:cluster workers; ' +
            'server processes unpinned, the load generator keeps its core, so two workers share a core with it):',
          '',
          scale,
          '',
        ]
      : []),
    ...(notes.length ? ['Notes from this run:', '', ...notes.map((note) => `- ${note.replace(/\s+/g, ' ')}`), ''] : []),
  ].join('\n');
}
