import type { Clock } from '../clock.js';
import type { KeyRecord, KeyStore } from '../storage/key-store.js';
import { createKeyRecord } from './generate-key.js';

/**
 * Adds a new version of the named key with the same algorithm: from now on it signs, while the
 * older versions keep verifying tokens (and stay in the JWKS) until they are retired.
 *
 * @example
 * const next = await rotateKey(stores.keys, 'default', systemClock);
 */
export async function rotateKey(keys: KeyStore, name: string, clock: Clock): Promise<KeyRecord> {
  const [current] = await keys.findByName(name);
  if (!current) throw new Error(`key ${name} is not configured`);
  // Clients decrypt with an encryption key's private half: a new one must come from them.
  if (current.use === 'enc') throw new Error(`key ${name} is an encryption key: import the new private key instead of generating one`);
  // Strictly newer than the current version, so "newest signs" never ties within one second.
  const now = Math.max(clock.now(), current.createdAt + 1);
  const next = await createKeyRecord({ name, alg: current.alg, now });
  await keys.save(next);
  return next;
}
