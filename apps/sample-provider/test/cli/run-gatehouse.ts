import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `gatehouse <args>` in this process through the CLI's entry function, with only `env` as
 * its environment and `stdin` piped in, and captures what it prints.
 */
export async function runGatehouse(args: readonly string[], env: Readonly<Record<string, string>>, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from(stdin === '' ? [] : [stdin]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

/** Runs a command with `--json` that must succeed, and parses what it printed. */
export async function gatehouseJson<T>(args: readonly string[], env: Readonly<Record<string, string>>, stdin = ''): Promise<T> {
  const run = await runGatehouse([...args, '--json'], env, stdin);
  if (run.code !== 0) throw new Error(`gatehouse ${args.join(' ')} exited with ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** A client_credentials token request with HTTP Basic client authentication. */
export const clientCredentials = (baseUrl: string, clientId: string, clientSecret: string): Promise<Response> =>
  fetch(`${baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' }),
  });
