import type { Stores, User } from '@gatehouse/core';
import { requireUser } from './require-user.js';

/**
 * Deactivates the user: they can no longer sign in, and their codes, refresh tokens, device codes
 * and app passwords stop yielding tokens (the grants check `isUsable`).
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
