import { randomToken, type AppPassword, type Clock, type Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { appPasswordSettingsSchema, type AppPasswordSettingsInput } from './app-password-settings.js';
import { parseInput } from './parse-input.js';
import { requireUser } from './require-user.js';
import { saveAppPassword } from './save-app-password.js';

/**
 * Generates an app password for a machine client of the user (client_credentials with
 * `username:token`); the token is returned here once and stored as a digest. A password of the
 * same name is replaced.
 *
 * @example
 * const { token } = await createAppPassword(stores, 'ci-bot', { name: 'deploy' }, systemClock);
 */
export async function createAppPassword(
  stores: Pick<Stores, 'users' | 'appPasswords'>,
  username: string,
  input: AppPasswordSettingsInput,
  clock: Clock,
): Promise<{ readonly appPassword: AppPassword; readonly token: string }> {
  const settings = parseInput(appPasswordSettingsSchema, input);
  if (settings.expires_at !== null && settings.expires_at <= clock.now()) throw new AdminError('invalid_input', 'expires_at: must be in the future');
  const user = await requireUser(stores, username);
  const token = randomToken(32);
  return { appPassword: await saveAppPassword(stores, user, settings, token), token };
}
