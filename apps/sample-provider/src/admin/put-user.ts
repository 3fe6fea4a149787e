import { hash, verify } from '@node-rs/argon2';
import type { Stores, User } from '@gatehouse/core';
import type { UserSettings } from './user-settings.js';

async function passwordHash(password: string | undefined, existing: User | null): Promise<string | undefined> {
  if (password === undefined) return existing?.passwordHash;
  // Keep the stored hash when the password is unchanged: applying a seed twice changes nothing.
  if (existing?.passwordHash && (await verify(existing.passwordHash, password))) return existing.passwordHash;
  return hash(password);
}

/**
 * Saves the user the settings describe under `id`, replacing `existing` (same id) when given; the
 * password is stored as an argon2id hash, and a user without one in the settings keeps theirs.
 */
export async function putUser(stores: Pick<Stores, 'users'>, settings: UserSettings, id: string, existing: User | null): Promise<User> {
  const passwordHashValue = await passwordHash(settings.password, existing);
  const user: User = {
    id,
    uuid: existing?.uuid ?? id,
    username: settings.username,
    name: settings.name,
    email: settings.email,
    emailVerified: settings.email_verified,
    groups: settings.groups,
    attributes: settings.attributes,
    isActive: settings.is_active,
    type: settings.type,
    ...(passwordHashValue !== undefined ? { passwordHash: passwordHashValue } : {}),
  };
  await stores.users.save(user);
  return user;
}
