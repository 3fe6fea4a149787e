import { systemClock } from '@gatehouse/core';
import type { Command } from 'commander';
import { rotateKeys } from '../../admin/rotate-keys.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';

/** `gatehouse key rotate [names...]`. */
export function keyCommands(program: Command, context: CliContext): void {
  program
    .command('key')
    .description('manage signing keys')
    .command('rotate')
    .description('add a new version of keys: it signs from now on, older versions keep verifying until retired')
    .argument('[names...]', 'the keys to rotate (default: every signing key an application uses)')
    .action(async (names: string[]) => {
      const rotations = await context.withStores((stores) =>
        rotateKeys(stores, systemClock, {
          ...(names.length > 0 ? { keys: names } : {}),
          onProgress: ({ done, total, key, kid, applications }) =>
            context.note(`[${done}/${total}] rotated ${key}: new kid ${kid}${applications.length > 0 ? `, signs for ${applications.join(', ')}` : ''}`),
        }),
      );
      const rows = rotations.map(({ key, kid, applications }) => [key, kid, applications.join(', ')]);
      context.print(
        rotations,
        rows.length > 0
          ? formatTable(rows, ['KEY', 'NEW_KID', 'APPLICATIONS'])
          : 'Nothing to rotate: no application signs with a key (HS256 applications sign with their client secret).',
      );
    });
}
