import type { JWK } from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
export type EncryptionAlgorithm = 'RSA-OAEP-256';

/**
 * One version of a named private key the server signs or encrypts with. Rotation adds a newer
 * version under the same name: the newest signs, the older ones keep verifying (and stay in the
 * JWKS) until they are retired.
 */
export interface KeyRecord {
  readonly name: string;
  readonly alg: SigningAlgorithm | EncryptionAlgorithm;
  readonly use: 'sig' | 'enc';
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly createdAt: number;
  /** When it stopped being used; retired versions neither sign, verify nor appear in JWKS. */
  readonly retiredAt: number | null;
}

export interface KeyStore {
  /** Every version that is not retired, oldest first. */
  list(): Promise<readonly KeyRecord[]>;
  /** The versions of a named key that are not retired, newest first: the first one signs. */
  findByName(name: string): Promise<readonly KeyRecord[]>;
  /** The version with this `kid`, retired or not, or null. */
  findByKid(kid: string): Promise<KeyRecord | null>;
  /** Creates the version, or replaces the version with the same `kid`. */
  save(key: KeyRecord): Promise<void>;
  /** Retires the version with this `kid`; retiring an unknown or retired key is not an error. */
  retire(kid: string, at: number): Promise<void>;
}
