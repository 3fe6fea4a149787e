import { CodePool } from '../run/code-pool.js';
import { expectTokens } from '../targets/fixtures.js';
import { barChartSvg } from './chart.js';
import type { ScenarioResult } from './results.js';
import { markdownTable, tableRows } from './table.js';
import { beginMarker, endMarker, replaceGeneratedSection } from './write-docs.js';

const measured = (server: string, scenario: ScenarioResult['scenario'], rps: number): ScenarioResult => ({
  server,
  serverLabel: server,
  scenario,
  measurement: { rps, p50: 4, p99: 12.5, errors: 0, non2xx: 1, total: rps * 5 },
});

describe('docs/benchmarks.md', () => {
  it('replaces only the generated section and keeps the notes around it', () => {
    const document = `# Benchmarks\n\nnotes before\n\n${beginMarker}\nold table\n${endMarker}\n\nnotes after\n`;
    const updated = replaceGeneratedSection(document, 'new table');
    expect(updated).toBe(`# Benchmarks\n\nnotes before\n\n${beginMarker}\nnew table\n${endMarker}\n\nnotes after\n`);
    expect(replaceGeneratedSection(updated, 'newer')).toContain(`${beginMarker}\nnewer\n${endMarker}\n\nnotes after`);
  });

  it('appends the section to a document without markers', () => {
    expect(replaceGeneratedSection('# Notes\n', 'table')).toBe(`# Notes\n\n${beginMarker}\ntable\n${endMarker}\n`);
  });
});

describe('the table', () => {
  it('gives each result as a ratio to oidc-provider and to the Express ceiling of the same run', () => {
    const results = [measured('express', 'ceiling', 7000), measured('oidc-provider', 'jwks', 10_000), measured('memory', 'jwks', 15_000)];
    const rows = tableRows(results, ['ceiling', 'jwks']);
    expect(rows.map((row) => [row.server, row.rps, row.vsReference, row.vsCeiling, row.errors])).toEqual([
      ['express', '7,000', '—', '1.00×', '1'],
      ['oidc-provider', '10,000', '1.00×', '1.43×', '1'],
      ['memory', '15,000', '1.50×', '2.14×', '1'],
    ]);
    expect(markdownTable(rows).split('\n')).toHaveLength(5);
  });

  it('shows a failed cell as failed, without ratios', () => {
    const rows = tableRows([{ server: 'memory', serverLabel: 'memory', scenario: 'refresh', measurement: null, failure: 'HTTP 400' }], ['refresh']);
    expect(rows[0]).toMatchObject({ rps: 'failed', vsReference: '—', vsCeiling: '—' });
  });
});

describe('the chart', () => {
  it('draws one bar per measured result and escapes labels', () => {
    const svg = barChartSvg([measured('a<b', 'jwks', 100), measured('c', 'jwks', 50)], ['jwks'], 'R&D');
    expect(svg.match(/<rect x="200"/g)).toHaveLength(2);
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('R&amp;D');
  });
});

describe('CodePool', () => {
  it('hands out each code once, then counts what it could not give', () => {
    const pool = new CodePool(['a', 'b']);
    expect([pool.take(), pool.take(), pool.take()]).toEqual(['a', 'b', 'b']);
    expect(pool.overdrawn).toBe(1);
  });
});

describe('expectTokens', () => {
  const jwt = (alg: string) => `${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.e30.sig`;
  it('accepts an ES256 JWT access token with the fields asked for', () => {
    expect(expectTokens('id_token')(JSON.stringify({ access_token: jwt('ES256'), id_token: 'x' }))).toBeNull();
  });
  it('refuses an opaque access token or a missing field', () => {
    expect(expectTokens()(JSON.stringify({ access_token: 'opaque' }))).toMatch(/not an ES256 JWT/);
    expect(expectTokens('refresh_token')(JSON.stringify({ access_token: jwt('ES256') }))).toMatch(/lacks refresh_token/);
  });
});
