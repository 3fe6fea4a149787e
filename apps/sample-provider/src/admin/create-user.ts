import { randomUUID } from 'node:crypto';
import type { Stores, User } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { parseInput } from './parse-input.js';
import { putUser } from './put-user.js';
import { newPasswordSchema, userSettingsSchema, type UserSettingsInput } from './user-settings.js';

const createUserSchema = userSettingsSchema.extend({ password: newPasswordSchema.optional() });

/**
 * Creates a user; without a password they cannot sign in until one is set. Refuses (AdminError)
 * invalid input and a username in use.
 *
 * @example
 * await createUser(stores, { username: 'bob', name: 'Bob', email: 'bob@example.com', groups: ['staff'] });
 */
export async function createUser(stores: Pick<Stores, 'users'>, input: UserSettingsInput): Promise<User> {
  const settings = parseInput(createUserSchema, input);
  if (await stores.users.findByUsername(settings.username)) throw new AdminError('conflict', `a user named ${settings.username} exists already`);
  return putUser(stores, settings, randomUUID(), null);
}
