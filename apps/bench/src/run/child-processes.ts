import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Server processes of this run. Each is started in its own process group (detached), so stopping
 * it reaches everything it forked (cluster workers) and nothing this bench did not start.
 */
const running = new Set<ChildProcess>();

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Everything it printed so far (for error messages). */
  output(): string;
  /** SIGTERM to its group, SIGKILL after five seconds; resolves once it exited. */
  stop(): Promise<void>;
}

/** A free loopback port (the kernel picks it; a race with another program is possible but rare). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Starts `argv` with `env`, and resolves once `readyUrl` answers over HTTP (any status). Fails,
 * with the process's output, when it exits first or is not ready within `timeoutMs`.
 */
export async function startServer(
  name: string,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { readonly url: string; readonly readyPath: string; readonly timeoutMs?: number },
): Promise<ServerProcess> {
  const [command, ...args] = argv;
  const child = spawn(command!, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  // Keep the last 20 kB only: a chatty server must not grow the bench's memory.
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const stop = async () => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
    // Workers of a cluster may outlive their primary for a moment: make sure the group is gone.
    killGroup(child, 'SIGKILL');
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited(child)) throw new Error(`${name} exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    try {
      const response = await fetch(options.url + options.readyPath, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${name} was not ready within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { name, pid: child.pid!, url: options.url, output: () => output, stop };
}

/** Stops every server still running (the end of a run, or an error). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (exited(child)) return resolve();
          child.once('exit', () => resolve());
          killGroup(child, 'SIGTERM');
          setTimeout(() => killGroup(child, 'SIGKILL'), 3000).unref();
        }),
    ),
  );
}

/** Last resort on `process.exit`: nothing asynchronous runs any more, so SIGKILL at once. */
export function killAllNow(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
}
