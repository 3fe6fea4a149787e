import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { EncryptionAlgorithm, KeyRecord, SigningAlgorithm } from '../storage/key-store.js';

const encryptionAlgorithms: ReadonlySet<string> = new Set<EncryptionAlgorithm>(['RSA-OAEP-256']);

function generatePrivateKey(alg: SigningAlgorithm | EncryptionAlgorithm): KeyObject {
  switch (alg) {
    case 'RS256':
    case 'RSA-OAEP-256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'ES512':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
  }
}

/**
 * Builds a KeyRecord from a private JWK (imported) or a new key pair (generated), with the
 * RFC 7638 thumbprint as `kid`.
 *
 * @example
 * const key = await createKeyRecord({ name: 'default', alg: 'ES256', now: Math.floor(Date.now() / 1000) });
 * await stores.keys.save(key);
 */
export async function createKeyRecord(input: {
  readonly name: string;
  readonly alg: SigningAlgorithm | EncryptionAlgorithm;
  readonly privateJwk?: JWK;
  readonly now: number;
}): Promise<KeyRecord> {
  const privateJwk = input.privateJwk ?? (generatePrivateKey(input.alg).export({ format: 'jwk' }) as JWK);
  if (!privateJwk.d) throw new Error(`key ${input.name}: private_jwk has no private part`);
  const { kty, crv, e, n, x, y } = privateJwk;
  const kid = await calculateJwkThumbprint({ kty, crv, e, n, x, y } as JWK);
  return {
    name: input.name,
    alg: input.alg,
    use: encryptionAlgorithms.has(input.alg) ? 'enc' : 'sig',
    kid,
    privateJwk,
    createdAt: input.now,
    retiredAt: null,
  };
}
