// Generates the Prisma client from ../../prisma/schema.prisma and copies the SQL migrations next
// to the package, so that dist/ and src/ both find them at ../migrations.
// `prisma generate` does not use the schema engine, but the CLI still looks for its binary and
// would download it: any existing file satisfies that check, so nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
execFileSync(process.execPath, [prismaCli, 'generate', '--config', join(root, 'prisma.config.ts')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
rmSync(join(here, '..', 'migrations'), { recursive: true, force: true });
cpSync(join(root, 'prisma', 'migrations'), join(here, '..', 'migrations'), { recursive: true });
