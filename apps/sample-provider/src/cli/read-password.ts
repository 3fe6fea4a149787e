import type { CliIo } from './cli-io.js';

/** Reads everything piped in, without the final line break (`echo secret | gatehouse ...`). */
async function readAll(stdin: CliIo['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(io: CliIo, question: string): Promise<string> {
  const { stdin } = io;
  io.stderr.write(question);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

export interface PasswordSources {
  /** `--password-stdin`: the password is piped in. */
  readonly fromStdin: boolean;
  /** Ask on the terminal (twice) when no other source gives one. */
  readonly prompt: boolean;
}

/**
 * The password from stdin (`--password-stdin`), else GATEHOUSE_PASSWORD, else a hidden prompt when
 * asked for and stdin is a terminal; undefined when none applies. Never from an argument: those
 * end up in shell history and process lists.
 */
export async function readPassword(io: CliIo, sources: PasswordSources): Promise<string | undefined> {
  if (sources.fromStdin) {
    const password = await readAll(io.stdin);
    if (password === '') throw new Error('--password-stdin: nothing was piped in');
    return password;
  }
  if (io.env['GATEHOUSE_PASSWORD']) return io.env['GATEHOUSE_PASSWORD'];
  if (!sources.prompt || !io.stdin.isTTY) return undefined;
  const password = await askHidden(io, 'Password: ');
  if ((await askHidden(io, 'Repeat it: ')) !== password) throw new Error('the passwords do not match');
  return password;
}
