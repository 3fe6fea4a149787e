import type { Stores, User } from '@gatehouse/core';
import { requireUser } from './require-user.js';

/**
 * Deactivates the user: they can no longer sign in, their codes, refresh tokens, device codes and
 * app passwords stop yielding tokens, and introspection and userinfo treat their access tokens as
 * inactive (all of them check `isUsable`). A resource server that only checks JWT signatures
 * offline accepts those tokens until they expire; `requireToken`'s introspection option closes that.
 *
 * @example
 * await deactivateUser(stores, 'bob');
 */
export async function deactivateUser(stores: Pick<Stores, 'users'>, username: string): Promise<User> {
  const user = await requireUser(stores, username);
  if (!user.isActive) return user;
  const updated: User = { ...user, isActive: false };
  await stores.users.save(updated);
  return updated;
}
