import type { JWK } from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
export type EncryptionAlgorithm = 'RSA-OAEP-256';

/** A private key the server signs or encrypts with. */
export interface KeyRecord {
  readonly name: string;
  readonly alg: SigningAlgorithm | EncryptionAlgorithm;
  readonly use: 'sig' | 'enc';
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly createdAt: number;
}

export interface KeyStore {
  list(): Promise<readonly KeyRecord[]>;
  findByName(name: string): Promise<KeyRecord | null>;
  /** Creates or replaces the key with the same name. */
  save(key: KeyRecord): Promise<void>;
}
