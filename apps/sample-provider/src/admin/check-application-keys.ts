import type { KeyRecord, Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { applicationProblems } from './application-problems.js';
import type { ApplicationSettings } from './application-settings.js';

/** Refuses settings naming keys the store does not hold, or holds for the other use. */
export async function checkApplicationKeys(stores: Pick<Stores, 'keys'>, settings: ApplicationSettings): Promise<void> {
  const uses = new Map<string, KeyRecord['use']>();
  for (const name of [settings.signing_key, settings.encryption_key]) {
    const [newest] = name === null ? [] : await stores.keys.findByName(name);
    if (newest) uses.set(newest.name, newest.use);
  }
  const problems = applicationProblems(settings, (name) => uses.get(name));
  if (problems.length > 0) throw new AdminError('invalid_input', `application ${settings.slug}: ${problems.join('; ')}`);
}
