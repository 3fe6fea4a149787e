import { rotateKey, type Clock, type Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';

/** One rotated key: its new version, and the applications that sign with it from now on. */
export interface KeyRotation {
  readonly key: string;
  readonly kid: string;
  readonly applications: readonly string[];
}

/** Reported after each key, for progress output over many applications. */
export interface KeyRotationProgress extends KeyRotation {
  readonly done: number;
  readonly total: number;
}

export interface RotateKeysOptions {
  /** Key names to rotate; absent: every signing key an application signs with. */
  readonly keys?: readonly string[];
  readonly onProgress?: (progress: KeyRotationProgress) => void;
}

/**
 * Adds a new version of each key (core's `rotateKey`): it signs from now on, while the older
 * versions stay in the JWKS and keep verifying until retired. Refuses unknown names and
 * encryption keys (whose new private half must come from the clients) before rotating any.
 *
 * @example
 * await rotateKeys(stores, systemClock, { onProgress: ({ done, total, key }) => console.error(`${done}/${total} ${key}`) });
 */
export async function rotateKeys(stores: Pick<Stores, 'applications' | 'keys'>, clock: Clock, options: RotateKeysOptions = {}): Promise<KeyRotation[]> {
  const applications = await stores.applications.list();
  const users = new Map<string, string[]>();
  for (const application of applications.sort((a, b) => a.slug.localeCompare(b.slug))) {
    if (application.signingKey !== null) users.set(application.signingKey, [...(users.get(application.signingKey) ?? []), application.slug]);
  }
  const names = [...new Set(options.keys ?? [...users.keys()].sort())];
  for (const name of names) {
    const [current] = await stores.keys.findByName(name);
    if (!current) throw new AdminError('not_found', `no key named ${name}`);
    if (current.use === 'enc') throw new AdminError('invalid_input', `key ${name} is an encryption key: import the new private key instead of generating one`);
  }
  const rotations: KeyRotation[] = [];
  for (const name of names) {
    const record = await rotateKey(stores.keys, name, clock);
    const rotation = { key: name, kid: record.kid, applications: users.get(name) ?? [] };
    rotations.push(rotation);
    options.onProgress?.({ ...rotation, done: rotations.length, total: names.length });
  }
  return rotations;
}
