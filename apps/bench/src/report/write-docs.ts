import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const beginMarker = '<!-- bench:begin (written by `pnpm bench`: everything up to bench:end is replaced on each run) -->';
export const endMarker = '<!-- bench:end -->';

const newDocument = `# Benchmarks

\`pnpm bench\` runs Gatehouse side by side with \`oidc-provider\` and a bare Express app, on this
machine, in one run; the figures below are the last run's. Compare ratios, not absolute numbers:
this machine is shared and absolute figures move from run to run.

`;

/**
 * The document with the generated section replaced: text before \`bench:begin\` and after
 * \`bench:end\` is kept as written. Without markers the section is appended.
 */
export function replaceGeneratedSection(document: string, section: string): string {
  const block = `${beginMarker}\n${section.trim()}\n${endMarker}`;
  const begin = document.indexOf('<!-- bench:begin');
  const end = document.indexOf(endMarker);
  if (begin >= 0 && end > begin) return document.slice(0, begin) + block + document.slice(end + endMarker.length);
  return `${document.replace(/\s*$/, '\n\n')}${block}\n`;
}

/** Writes docs/benchmarks.md (generated section only) and the chart beside it. */
export async function writeDocs(docsDir: string, section: string, chartSvg: string, chartFile: string): Promise<string> {
  await mkdir(docsDir, { recursive: true });
  const path = join(docsDir, 'benchmarks.md');
  const current = await readFile(path, 'utf8').catch(() => newDocument);
  await writeFile(join(docsDir, chartFile), chartSvg);
  await writeFile(path, replaceGeneratedSection(current, section));
  return path;
}
