#!/usr/bin/env node
// The `gatehouse` CLI as built into dist/ (`pnpm gatehouse` at the repository root builds it first).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('gatehouse: the CLI is not built yet: run `pnpm gatehouse` at the repository root, or `pnpm --filter @gatehouse/sample-provider build`\n');
  process.exit(1);
}
await import(entry.href);
