import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Application } from '../clients/application.js';
import type { Clock } from '../clock.js';
import type { KeyRecord, KeyStore, SigningAlgorithm } from '../storage/key-store.js';

/** A key ready to sign with: imported once, reused for every token. */
export interface SigningKey {
  readonly alg: SigningAlgorithm | 'HS256';
  /** Absent for HS256: the client secret has no public identity to point at. */
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/** A key ready to verify with. */
export interface VerificationKey {
  readonly alg: SigningAlgorithm | 'HS256';
  readonly key: KeyObject;
}

/** The public half of an encryption key, to encrypt tokens to (RFC 7516). */
export interface EncryptionKey {
  readonly alg: 'RSA-OAEP-256';
  readonly kid: string;
  readonly key: KeyObject;
}

/** What an application publishes at its JWKS endpoint (RFC 7517 §5). */
export interface JsonWebKeySet {
  readonly keys: readonly JWK[];
}

export interface KeyRing {
  signingKeyFor(application: Application): Promise<SigningKey>;
  /** The key that verifies a token of the application with header `kid` (any live version), or null. */
  verificationKeyFor(application: Application, kid: string | undefined): Promise<VerificationKey | null>;
  /** The public key tokens of the application are encrypted to, or null when it has none. */
  encryptionKeyFor(application: Application): Promise<EncryptionKey | null>;
  /** The private key of an encryption key version, by `kid`, to decrypt a token; null when unknown. */
  decryptionKey(kid: string): Promise<KeyObject | null>;
  jwksFor(application: Application): Promise<JsonWebKeySet>;
  /** Forgets cached key lists, so a rotation is seen at once in this process. */
  invalidate(): void;
}

interface ImportedKey {
  readonly record: KeyRecord;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: JWK;
}

/**
 * Resolves each application's keys from the KeyStore and keeps them imported, so the token
 * endpoint never parses a JWK per request (DESIGN.md §8). Key lists are cached for
 * `cacheSeconds`: a rotation made by another process is picked up within that time.
 */
export function createKeyRing(store: KeyStore, clock: Clock, cacheSeconds: number): KeyRing {
  const imported = new Map<string, ImportedKey>();
  const versions = new Map<string, { readonly at: number; readonly keys: Promise<readonly ImportedKey[]> }>();
  let decryption: { readonly at: number; readonly keys: Promise<readonly ImportedKey[]> } | null = null;
  const secrets = new Map<string, KeyObject>();

  const importRecord = (record: KeyRecord): ImportedKey => {
    let key = imported.get(record.kid);
    if (!key) {
      const privateKey = createPrivateKey({ key: record.privateJwk as JsonWebKey, format: 'jwk' });
      const publicKey = createPublicKey(privateKey);
      const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: record.kid, use: record.use, alg: record.alg };
      key = { record, privateKey, publicKey, publicJwk };
      imported.set(record.kid, key);
    }
    return key;
  };
  const live = (name: string | null): Promise<readonly ImportedKey[]> => {
    if (name === null) return Promise.resolve([]);
    const cached = versions.get(name);
    if (cached && clock.now() - cached.at < cacheSeconds) return cached.keys;
    const keys = store.findByName(name).then((records) => {
      if (records.length === 0) throw new Error(`key ${name} is not configured`);
      return records.map(importRecord);
    });
    versions.set(name, { at: clock.now(), keys });
    keys.catch(() => versions.delete(name));
    return keys;
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
      if (application.signingKey === null) return { alg: 'HS256', kid: undefined, key: hmacKey(application) };
      const [newest] = await live(application.signingKey);
      return { alg: newest!.record.alg as SigningAlgorithm, kid: newest!.record.kid, key: newest!.privateKey };
    },
    async verificationKeyFor(application, kid) {
      if (application.signingKey === null) return kid === undefined ? { alg: 'HS256', key: hmacKey(application) } : null;
      const key = (await live(application.signingKey)).find((candidate) => candidate.record.kid === kid);
      return key ? { alg: key.record.alg as SigningAlgorithm, key: key.publicKey } : null;
    },
    async encryptionKeyFor(application) {
      const [newest] = await live(application.encryptionKey);
      return newest ? { alg: 'RSA-OAEP-256', kid: newest.record.kid, key: newest.publicKey } : null;
    },
    async decryptionKey(kid) {
      // Live encryption keys only, cached like the named lists: a retired key stops decrypting.
      if (!decryption || clock.now() - decryption.at >= cacheSeconds) {
        const keys = store.list().then((records) => records.filter((record) => record.use === 'enc').map(importRecord));
        decryption = { at: clock.now(), keys };
        keys.catch(() => (decryption = null));
      }
      return (await decryption.keys).find((key) => key.record.kid === kid)?.privateKey ?? null;
    },
    async jwksFor(application) {
      const keys = [...(await live(application.signingKey)), ...(await live(application.encryptionKey))];
      return { keys: keys.map((key) => key.publicJwk) };
    },
    invalidate: () => {
      versions.clear();
      decryption = null;
    },
  };
}
