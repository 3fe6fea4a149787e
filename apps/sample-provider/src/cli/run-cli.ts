import { Command, CommanderError } from 'commander';
import { createCliContext } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import { appCommands } from './commands/app-commands.js';
import { keyCommands } from './commands/key-commands.js';
import { migrateCommand } from './commands/migrate-command.js';
import { seedCommands } from './commands/seed-commands.js';
import { userCommands } from './commands/user-commands.js';

// Messages from zod, Prisma and the environment check span lines; a failure is one line unless asked.
const oneLine = (message: string) => message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');

/**
 * Runs `gatehouse <args>` on the stores the provider's environment names and resolves with the
 * exit code: 0, or 1 after a one-line `gatehouse: <reason>` on stderr (the stack too with
 * `--verbose` or DEBUG set).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('gatehouse')
    .description('Manage a Gatehouse provider: the same database and SECRET_KEY as the server (DATABASE_URL, or PGlite in DATA_DIR)')
    .option('--json', 'print JSON for scripts instead of tables')
    .option('--verbose', 'print the stack trace of a failure')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showSuggestionAfterError();
  const options = () => program.opts<{ json?: boolean; verbose?: boolean }>();
  const context = createCliContext(io, () => options().json === true);
  appCommands(program, context);
  userCommands(program, context);
  keyCommands(program, context);
  seedCommands(program, context);
  migrateCommand(program, context);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has written its own message (unknown command, missing argument) or the help.
    if (error instanceof CommanderError) return error.exitCode;
    const verbose = options().verbose === true || Boolean(io.env['DEBUG']);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(verbose && error instanceof Error && error.stack ? `${error.stack}\n` : `gatehouse: ${oneLine(message)}\n`);
    return 1;
  }
}
