import { CompactEncrypt } from 'jose';
import type { EncryptionKey } from '../keys/key-ring.js';

/** The content encryption of Gatehouse's JWEs (authentik's choice; advertised in discovery). */
export const contentEncryption = 'A256CBC-HS512';

/** Wraps a signed JWT in a compact JWE to the application's encryption key (RFC 7516, OIDC Core §10.2). */
export function encryptJwt(jwt: string, key: EncryptionKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(jwt))
    .setProtectedHeader({ alg: key.alg, enc: contentEncryption, cty: 'JWT', kid: key.kid })
    .encrypt(key.key);
}
