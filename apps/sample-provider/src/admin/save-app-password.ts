import { digestToken, stableId, type AppPassword, type Stores, type User } from '@gatehouse/core';
import type { AppPasswordSettings } from './app-password-settings.js';

/**
 * Stores `token` as the user's app password with this name (replacing one of the same name), as
 * its digest only (DESIGN.md §4).
 */
export async function saveAppPassword(stores: Pick<Stores, 'appPasswords'>, user: Pick<User, 'id' | 'username'>, settings: AppPasswordSettings, token: string): Promise<AppPassword> {
  const appPassword: AppPassword = {
    // One id per user and name: saving the same name again replaces the token.
    id: stableId('app-password', `${user.username}\u0000${settings.name}`),
    userId: user.id,
    name: settings.name,
    tokenDigest: digestToken(token),
    expiresAt: settings.expires_at,
  };
  await stores.appPasswords.save(appPassword);
  return appPassword;
}
