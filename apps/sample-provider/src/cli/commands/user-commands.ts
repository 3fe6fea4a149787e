import { systemClock, type User } from '@gatehouse/core';
import type { Command } from 'commander';
import { addUserToGroup } from '../../admin/add-user-to-group.js';
import { createAppPassword } from '../../admin/create-app-password.js';
import { createUser } from '../../admin/create-user.js';
import { deactivateUser } from '../../admin/deactivate-user.js';
import { setPassword } from '../../admin/set-password.js';
import { userView } from '../../admin/user-view.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { readPassword } from '../read-password.js';
import { collect } from './collect.js';
import { parseDuration } from './parse-duration.js';

const passwordHelp = 'read the password from stdin (or set GATEHOUSE_PASSWORD)';

function details(user: User): string {
  const view = userView(user);
  return formatTable([
    ['username', view.username],
    ['id', view.id],
    ['name', view.name],
    ['email', `${view.email ?? 'none'}${view.email && view.email_verified ? ' (verified)' : ''}`],
    ['groups', view.groups.length > 0 ? view.groups.join(', ') : 'none'],
    ['type', view.type],
    ['active', view.is_active ? 'yes' : 'no'],
    ['password', view.has_password ? 'set' : 'none'],
  ]);
}

/** `gatehouse user create|set-password|add-group|deactivate` and `gatehouse app-password create`. */
export function userCommands(program: Command, context: CliContext): void {
  const user = program.command('user').description('manage users');

  user
    .command('create')
    .description('create a user (with a password from stdin or GATEHOUSE_PASSWORD, or none)')
    .argument('<username>')
    .option('--name <name>', 'display name')
    .option('--email <email>', 'email address')
    .option('--email-verified', 'the email address is verified')
    .option('--group <group>', 'a group to be in (repeatable)', collect, [])
    .option('--service-account', 'a machine account: never signs in on the login page')
    .option('--password-stdin', passwordHelp)
    .action(async (username: string, options: { name?: string; email?: string; emailVerified?: boolean; group: string[]; serviceAccount?: boolean; passwordStdin?: boolean }) => {
      const password = await readPassword(context.io, { fromStdin: options.passwordStdin === true, prompt: false });
      const created = await context.withStores((stores) =>
        createUser(stores, {
          username,
          name: options.name,
          email: options.email,
          email_verified: options.emailVerified,
          groups: options.group,
          type: options.serviceAccount ? 'service_account' : 'internal',
          password,
        }),
      );
      if (password === undefined) context.note(`${username} has no password yet: gatehouse user set-password ${username}`);
      context.print(userView(created), `Created user ${username}.\n${details(created)}`);
    });

  user
    .command('set-password')
    .description('set the password of a user: from stdin, GATEHOUSE_PASSWORD, or asked on the terminal')
    .argument('<username>')
    .option('--password-stdin', passwordHelp)
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      const password = await readPassword(context.io, { fromStdin: options.passwordStdin === true, prompt: true });
      if (password === undefined) throw new Error('no password given: pipe it with --password-stdin, set GATEHOUSE_PASSWORD, or run in a terminal');
      const updated = await context.withStores((stores) => setPassword(stores, username, password));
      context.print(userView(updated), `Password of ${username} set.`);
    });

  user
    .command('add-group')
    .description('add a user to a group')
    .argument('<username>')
    .argument('<group>')
    .action(async (username: string, group: string) => {
      const updated = await context.withStores((stores) => addUserToGroup(stores, username, group));
      context.print(userView(updated), `${username} is in ${updated.groups.join(', ')}.`);
    });

  user
    .command('deactivate')
    .description('deactivate a user: no sign-in, no new tokens from their grants or app passwords')
    .argument('<username>')
    .action(async (username: string) => {
      const updated = await context.withStores((stores) => deactivateUser(stores, username));
      context.print(userView(updated), `Deactivated ${username}.`);
    });

  program
    .command('app-password')
    .description('manage app passwords (tokens a machine uses as the user in client_credentials)')
    .command('create')
    .description('generate an app password for a user; the token is shown once')
    .argument('<username>')
    .argument('<name>', 'what it is for, e.g. ci; an existing one of this name is replaced')
    .option('--expires-in <duration>', 'lifetime: seconds, or with a unit (90m, 12h, 30d); default: none')
    .action(async (username: string, name: string, options: { expiresIn?: string }) => {
      const expiresAt = options.expiresIn === undefined ? null : systemClock.now() + parseDuration(options.expiresIn);
      const { appPassword, token } = await context.withStores((stores) => createAppPassword(stores, username, { name, expires_at: expiresAt }, systemClock));
      const expiry = appPassword.expiresAt === null ? 'never expires' : `expires ${new Date(appPassword.expiresAt * 1000).toISOString()}`;
      context.print(
        { username, name, expires_at: appPassword.expiresAt, token },
        `App password ${name} of ${username} (${expiry}). The token, shown once, store it now:\n${token}`,
      );
    });
}
