import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ProviderProcess {
  readonly baseUrl: string;
  readonly pid: number;
  readonly output: () => string;
  /** Resolves with the exit code (null when a signal ended the process) once it has exited. */
  readonly exited: Promise<number | null>;
  /** Sends `signal` without waiting. */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * Starts the built reference provider (`dist/main.js`) as its own process, the way `pnpm start`
 * does, and waits until it listens. `pnpm test` builds first.
 */
export async function spawnProvider(env: Readonly<Record<string, string>>): Promise<ProviderProcess> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (pnpm test does) first`);
  const port = env['PORT'] ?? String(await freePort());
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes('Gatehouse is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`provider exited with ${code}:\n${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => output,
    exited,
    kill: (signal) => void child.kill(signal),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
