import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Application } from '../clients/application.js';
import type { KeyRecord, KeyStore, SigningAlgorithm } from '../storage/key-store.js';

/** A key ready to sign with: imported once, reused for every token. */
export interface SigningKey {
  readonly alg: SigningAlgorithm | 'HS256';
  /** Absent for HS256: the client secret has no public identity to point at. */
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/** A public key ready to verify with. */
export interface VerificationKey {
  readonly alg: SigningAlgorithm | 'HS256';
  readonly key: KeyObject;
}

/** What an application publishes at its JWKS endpoint (RFC 7517 §5). */
export interface JsonWebKeySet {
  readonly keys: readonly JWK[];
}

export interface KeyRing {
  signingKeyFor(application: Application): Promise<SigningKey>;
  verificationKeyFor(application: Application): Promise<VerificationKey>;
  jwksFor(application: Application): Promise<JsonWebKeySet>;
}

interface ImportedKey {
  readonly record: KeyRecord;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: JWK;
}

/**
 * Resolves each application's keys from the KeyStore and keeps them imported, so the token
 * endpoint never parses a JWK per request (DESIGN.md §8). A key replaced under the same name gets
 * a new `kid` and is imported again.
 */
export function createKeyRing(store: KeyStore): KeyRing {
  const imported = new Map<string, ImportedKey>();
  const secrets = new Map<string, KeyObject>();

  const importRecord = (record: KeyRecord): ImportedKey => {
    const cacheKey = `${record.name}\u0000${record.kid}`;
    let key = imported.get(cacheKey);
    if (!key) {
      const privateKey = createPrivateKey({ key: record.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      const publicKey = createPublicKey(privateKey);
      const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: record.kid, use: record.use, alg: record.alg };
      key = { record, privateKey, publicKey, publicJwk };
      imported.set(cacheKey, key);
    }
    return key;
  };
  const load = async (name: string | null): Promise<ImportedKey | null> => {
    if (name === null) return null;
    const record = await store.findByName(name);
    if (!record) throw new Error(`key ${name} is not configured`);
    return importRecord(record);
  };
  const hmacKey = (application: Application): KeyObject => {
    if (!application.hmacSecret) throw new Error(`application ${application.slug} has neither a signing key nor a client secret`);
    let key = secrets.get(application.hmacSecret);
    if (!key) {
      key = createSecretKey(Buffer.from(application.hmacSecret, 'utf8'));
      secrets.set(application.hmacSecret, key);
    }
    return key;
  };

  return {
    async signingKeyFor(application) {
      const key = await load(application.signingKey);
      if (!key) return { alg: 'HS256', kid: undefined, key: hmacKey(application) };
      return { alg: key.record.alg as SigningAlgorithm, kid: key.record.kid, key: key.privateKey };
    },
    async verificationKeyFor(application) {
      const key = await load(application.signingKey);
      if (!key) return { alg: 'HS256', key: hmacKey(application) };
      return { alg: key.record.alg as SigningAlgorithm, key: key.publicKey };
    },
    async jwksFor(application) {
      const keys = await Promise.all([load(application.signingKey), load(application.encryptionKey)]);
      return { keys: keys.filter((key) => key !== null).map((key) => key.publicJwk) };
    },
  };
}
