/**
 * Rows as aligned columns separated by two spaces, after an optional header row; the last column
 * is not padded, so lines carry no trailing blanks.
 *
 * @example
 * formatTable([['wiki', 'wiki-client']], ['SLUG', 'CLIENT_ID']);
 * // SLUG  CLIENT_ID
 * // wiki  wiki-client
 */
export function formatTable(rows: readonly (readonly string[])[], headers?: readonly string[]): string {
  const all = headers ? [headers, ...rows] : rows;
  const widths = all.reduce<number[]>((max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)), []);
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
