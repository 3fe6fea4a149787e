import { scenarioLabels, type ScenarioName } from '../targets/target.js';
import type { ScenarioResult } from './results.js';

export const referenceServer = 'oidc-provider';
export const ceilingServer = 'express';

/** Rows of the main table, grouped by scenario so the servers of one scenario sit together. */
export interface TableRow {
  readonly scenario: string;
  readonly server: string;
  readonly rps: string;
  readonly p50: string;
  readonly p99: string;
  readonly errors: string;
  readonly vsReference: string;
  readonly vsCeiling: string;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// autocannon reports whole milliseconds; keep a decimal only when there is one.
const ms = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
const ratio = (value: number | undefined, base: number | undefined) => (value && base ? `${(value / base).toFixed(2)}×` : '—');

export function tableRows(results: readonly ScenarioResult[], scenarioOrder: readonly ScenarioName[]): TableRow[] {
  const ceiling = results.find((r) => r.server === ceilingServer && r.scenario === 'ceiling')?.measurement?.rps;
  const rows: TableRow[] = [];
  for (const scenario of scenarioOrder) {
    const reference = results.find((r) => r.server === referenceServer && r.scenario === scenario)?.measurement?.rps;
    for (const result of results.filter((r) => r.scenario === scenario)) {
      const m = result.measurement;
      rows.push({
        scenario: scenarioLabels[scenario],
        server: result.serverLabel,
        rps: m ? integer.format(m.rps) : 'failed',
        p50: m ? ms(m.p50) : '—',
        p99: m ? ms(m.p99) : '—',
        errors: m ? integer.format(m.errors + m.non2xx) : '—',
        vsReference: ratio(m?.rps, reference),
        vsCeiling: ratio(m?.rps, ceiling),
      });
    }
  }
  return rows;
}

const headers: Readonly<Record<keyof TableRow, string>> = {
  scenario: 'scenario',
  server: 'server',
  rps: 'req/s',
  p50: 'p50 ms',
  p99: 'p99 ms',
  errors: 'errors/non-2xx',
  vsReference: '× oidc-provider',
  vsCeiling: '× Express ceiling',
};
const columns = Object.keys(headers) as (keyof TableRow)[];
const numeric = new Set<keyof TableRow>(['rps', 'p50', 'p99', 'errors', 'vsReference', 'vsCeiling']);

/** The table as fixed-width text for the terminal. */
export function textTable(rows: readonly TableRow[]): string {
  const width = (column: keyof TableRow) => Math.max(headers[column].length, ...rows.map((row) => row[column].length));
  const line = (cells: (column: keyof TableRow) => string) =>
    columns.map((column) => (numeric.has(column) ? cells(column).padStart(width(column)) : cells(column).padEnd(width(column)))).join('  ');
  const out = [line((c) => headers[c]), columns.map((c) => '-'.repeat(width(c))).join('  ')];
  let previous = '';
  for (const row of rows) {
    out.push(line((c) => (c === 'scenario' && row.scenario === previous ? '' : row[c])));
    previous = row.scenario;
  }
  return out.join('\n');
}

/** The table as Markdown. */
export function markdownTable(rows: readonly TableRow[]): string {
  const escape = (value: string) => value.replace(/\|/g, '\\|');
  const out = [`| ${columns.map((c) => headers[c]).join(' | ')} |`, `|${columns.map((c) => (numeric.has(c) ? '---:' : '---')).join('|')}|`];
  for (const row of rows) out.push(`| ${columns.map((c) => escape(row[c])).join(' | ')} |`);
  return out.join('\n');
}

/** Failures and notes, one line each, so a failed cell says why (a server that did not start: once). */
export function footnotes(results: readonly ScenarioResult[]): string[] {
  const lines = new Map<string, string[]>();
  for (const r of results) {
    const text = r.failure ?? r.note;
    if (!text) continue;
    const key = `${r.serverLabel}\u0000${text}`;
    lines.set(key, [...(lines.get(key) ?? []), scenarioLabels[r.scenario]]);
  }
  return [...lines].map(([key, scenarios]) => {
    const [server, text] = key.split('\u0000');
    return `${server}, ${scenarios.length > 2 ? 'every scenario' : scenarios.join(' and ')}: ${text}`;
  });
}
