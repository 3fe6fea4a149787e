import { scenarioLabels, type ScenarioName } from '../targets/target.js';
import type { ScenarioResult } from './results.js';

const palette = ['#6b7280', '#d97706', '#2563eb', '#0891b2', '#7c3aed', '#16a34a', '#db2777'];
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A grouped horizontal bar chart of requests/s as a standalone SVG: one group per scenario, one
 * bar per server, the value at the end of each bar. Plain SVG text, no fonts or scripts to load.
 */
export function barChartSvg(results: readonly ScenarioResult[], scenarioOrder: readonly ScenarioName[], title: string): string {
  const measured = results.filter((r) => r.measurement);
  const servers = [...new Map(measured.map((r) => [r.server, r.serverLabel])).entries()];
  const color = new Map(servers.map(([id], index) => [id, palette[index % palette.length]!]));
  const groups = scenarioOrder.map((scenario) => ({ scenario, bars: measured.filter((r) => r.scenario === scenario) })).filter((g) => g.bars.length > 0);
  const max = Math.max(1, ...measured.map((r) => r.measurement!.rps));

  const left = 200;
  const plotWidth = 560;
  const barHeight = 13;
  const legendRows = Math.ceil(servers.length / 3);
  let y = 50 + legendRows * 18;
  const parts: string[] = [];

  servers.forEach(([id, label], index) => {
    const x = 20 + (index % 3) * 260;
    const ly = 40 + Math.floor(index / 3) * 18;
    parts.push(`<rect x="${x}" y="${ly - 10}" width="12" height="12" fill="${color.get(id)}"/>`);
    parts.push(`<text x="${x + 18}" y="${ly}" class="legend">${escapeXml(label)}</text>`);
  });

  for (const group of groups) {
    y += 10;
    const groupHeight = group.bars.length * (barHeight + 3);
    parts.push(`<text x="${left - 10}" y="${y + groupHeight / 2 + 4}" text-anchor="end" class="group">${escapeXml(scenarioLabels[group.scenario])}</text>`);
    for (const bar of group.bars) {
      const rps = bar.measurement!.rps;
      const width = Math.max(1, (rps / max) * plotWidth);
      parts.push(`<rect x="${left}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${color.get(bar.server)}"><title>${escapeXml(`${bar.serverLabel}: ${Math.round(rps)} req/s`)}</title></rect>`);
      parts.push(`<text x="${(left + width + 4).toFixed(1)}" y="${y + barHeight - 2}" class="value">${Math.round(rps).toLocaleString('en-US')}</text>`);
      y += barHeight + 3;
    }
    y += 6;
  }
  const height = y + 30;
  const axis = `<line x1="${left}" y1="${50 + legendRows * 18}" x2="${left}" y2="${y}" stroke="#9ca3af"/>`;
  const caption = `<text x="${left}" y="${height - 10}" class="legend">requests per second (higher is better)</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotWidth + 80}" height="${height}" viewBox="0 0 ${left + plotWidth + 80} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:600}.group{font-size:12px}.legend{font-size:12px}.value{font-size:10px;fill:#374151}</style>',
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="20" y="22" class="title">${escapeXml(title)}</text>`,
    ...parts,
    axis,
    caption,
    '</svg>',
    '',
  ].join('\n');
}
