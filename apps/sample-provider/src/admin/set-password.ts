import { hash } from '@node-rs/argon2';
import type { Stores, User } from '@gatehouse/core';
import { parseInput } from './parse-input.js';
import { requireUser } from './require-user.js';
import { newPasswordSchema } from './user-settings.js';

/**
 * Sets the password of the user with this username (stored as an argon2id hash).
 *
 * @example
 * await setPassword(stores, 'bob', 'a long passphrase');
 */
export async function setPassword(stores: Pick<Stores, 'users'>, username: string, password: string): Promise<User> {
  const checked = parseInput(newPasswordSchema, password);
  const user = await requireUser(stores, username);
  const updated: User = { ...user, passwordHash: await hash(checked) };
  await stores.users.save(updated);
  return updated;
}
