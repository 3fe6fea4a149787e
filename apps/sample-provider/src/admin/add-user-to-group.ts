import type { Stores, User } from '@gatehouse/core';
import { z } from 'zod';
import { parseInput } from './parse-input.js';
import { requireUser } from './require-user.js';

const groupName = z.string().trim().min(1, 'group: a name is needed');

/**
 * Adds the user to the group (a group is its name: it exists while someone is in it); adding a
 * member again changes nothing.
 *
 * @example
 * await addUserToGroup(stores, 'bob', 'admins');
 */
export async function addUserToGroup(stores: Pick<Stores, 'users'>, username: string, group: string): Promise<User> {
  const name = parseInput(groupName, group);
  const user = await requireUser(stores, username);
  if (user.groups.includes(name)) return user;
  const updated: User = { ...user, groups: [...user.groups, name] };
  await stores.users.save(updated);
  return updated;
}
