import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

/** `gatehouse migrate`: what the server does at start unless MIGRATE_ON_START=false. */
export function migrateCommand(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description('apply pending database migrations and list them')
    .action(async () => {
      const { env, logger } = context.environment();
      const [{ applyMigrations }, { openDatabase }] = await Promise.all([import('@gatehouse/prisma-store'), import('../../storage.js')]);
      const database = await openDatabase(env, logger);
      try {
        const applied = await applyMigrations(database);
        context.print(
          { applied },
          applied.length > 0 ? `Applied ${applied.length} migrations:\n${applied.map((name) => `  ${name}`).join('\n')}` : 'Nothing to apply: the database is up to date.',
        );
      } finally {
        await database.close();
      }
    });
}
