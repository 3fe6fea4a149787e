import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed command (`npx gatehouse` runs this file) as its own process. */
function gatehouse(args: readonly string[], env: Readonly<Record<string, string>>, stdin = ''): Promise<Exited> {
  const child = spawn(bin, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the gatehouse command as a process', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm build\` (pnpm test does) first`);
    env = { DATA_DIR: await mkdtemp(join(tmpdir(), 'gatehouse-cli-process-')), SECRET_KEY: 'cli-process-secret-key-0123456789abcdefghijk' };
  });

  it('lists its commands with --help and exits with 0', async () => {
    const run = await gatehouse(['--help'], env);
    expect(run.code).toBe(0);
    for (const command of ['app', 'user', 'app-password', 'key', 'seed', 'migrate']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('exits with 1 on an unknown command, suggesting the right one', async () => {
    const run = await gatehouse(['apps'], env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain("error: unknown command 'apps'");
    expect(run.stderr).toContain('(Did you mean app?)');
  });

  it('reads a password piped to --password-stdin', async () => {
    const run = await gatehouse(['user', 'create', 'bob', '--password-stdin', '--json'], env, 'Bob-Password-1\n');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ username: 'bob', has_password: true });
  }, 60_000);

  it('fails with exit code 1 and one line, and with --verbose also the stack', async () => {
    expect(await gatehouse(['app', 'show', 'nope'], env)).toEqual({ code: 1, stdout: '', stderr: 'gatehouse: no application with slug nope\n' });
    const verbose = await gatehouse(['app', 'show', 'nope', '--verbose'], env);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^AdminError: no application with slug nope\n\s+at /);
  }, 60_000);
});
