import type { Stores, User } from '@gatehouse/core';
import { AdminError } from './admin-error.js';

/** The user with this username, or an AdminError (`not_found`) naming them. */
export async function requireUser(stores: Pick<Stores, 'users'>, username: string): Promise<User> {
  const user = await stores.users.findByUsername(username);
  if (!user) throw new AdminError('not_found', `no user named ${username}`);
  return user;
}
