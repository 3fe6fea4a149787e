import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from './cli-io.js';
import { readPassword } from './read-password.js';

/** A terminal: keystrokes arrive one chunk at a time, raw mode is recorded. */
function terminal(keystrokes: readonly string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  const withRawMode = Object.assign(stdin, { setRawMode: (raw: boolean) => stdin.rawModes.push(raw) });
  let stderr = '';
  const io: CliIo = { stdin: withRawMode, stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {} };
  // Typed once the prompt listens.
  setImmediate(() => keystrokes.forEach((keys, i) => setTimeout(() => stdin.write(keys), i * 5)));
  return { io, stdin, stderr: () => stderr };
}

const piped = (text: string, env: Record<string, string> = {}): CliIo => ({
  stdin: Readable.from(text === '' ? [] : [text]),
  stdout: { write: () => true },
  stderr: { write: () => true },
  env,
});

describe('readPassword', () => {
  it('reads stdin without its final line break', async () => {
    expect(await readPassword(piped('pass word\n'), { fromStdin: true, prompt: false })).toBe('pass word');
    await expect(readPassword(piped(''), { fromStdin: true, prompt: false })).rejects.toThrow('--password-stdin: nothing was piped in');
  });

  it('falls back to GATEHOUSE_PASSWORD, and to nothing off a terminal', async () => {
    expect(await readPassword(piped('', { GATEHOUSE_PASSWORD: 'from-env' }), { fromStdin: false, prompt: true })).toBe('from-env');
    expect(await readPassword(piped(''), { fromStdin: false, prompt: true })).toBeUndefined();
  });

  it('asks twice on a terminal without echo, honouring backspace', async () => {
    const tty = terminal(['secreX', '\u007ft\r', 'secret\r']);
    expect(await readPassword(tty.io, { fromStdin: false, prompt: true })).toBe('secret');
    expect(tty.stderr()).toBe('Password: \nRepeat it: \n');
    expect(tty.stdin.rawModes).toEqual([true, false, true, false]);
  });

  it('refuses two different answers, and stops on Ctrl-C', async () => {
    await expect(readPassword(terminal(['one\r', 'two\r']).io, { fromStdin: false, prompt: true })).rejects.toThrow('the passwords do not match');
    await expect(readPassword(terminal(['abc\u0003']).io, { fromStdin: false, prompt: true })).rejects.toThrow('cancelled');
  });
});
