import { resolve } from 'node:path';
import { systemClock } from '@gatehouse/core';
import type { Command } from 'commander';
import { applySeed, readSeedFile } from '../../seed/apply-seed.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';

/** `gatehouse seed apply <file>`. */
export function seedCommands(program: Command, context: CliContext): void {
  program
    .command('seed')
    .description('declarative setup from a seed file (DESIGN.md §6)')
    .command('apply')
    .description('apply a YAML or JSON seed file, idempotently (the same as GATEHOUSE_SEED at start)')
    .argument('<file>')
    .action(async (file: string) => {
      const seed = await readSeedFile(resolve(file));
      const summary = await context.withStores((stores) =>
        // One unit of work, taking turns with servers applying their seed at start.
        stores.transaction((tx) => applySeed(seed, tx, systemClock, ({ done, total, item }) => context.note(`[${done}/${total}] ${item}`)), {
          exclusive: 'gatehouse:seed',
        }),
      );
      const secrets = summary.applications.filter((app) => app.generatedSecret);
      const human = [
        `Applied ${file}: ${seed.keys.length} keys, ${summary.scopeMappings.length} scope mappings, ${summary.users.length} users, ${summary.applications.length} applications.`,
        ...(secrets.length > 0
          ? ['Generated client secrets, shown once, store them now:', formatTable(secrets.map((app) => [app.slug, app.clientId, app.generatedSecret!]), ['SLUG', 'CLIENT_ID', 'CLIENT_SECRET'])]
          : []),
      ];
      const json = {
        applications: summary.applications.map((app) => ({ slug: app.slug, client_id: app.clientId, ...(app.generatedSecret ? { client_secret: app.generatedSecret } : {}) })),
        users: summary.users,
      };
      context.print(json, human.join('\n'));
    });
}
