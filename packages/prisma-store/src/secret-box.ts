import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts what must stay usable but never sit in the database in clear (private keys, HS256 secrets). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * AES-256-GCM with a key derived from the server's SECRET_KEY (HKDF-SHA-256), so the database
 * alone never reveals a private key or a client secret. Format: `v1.<iv>.<ciphertext+tag>`.
 */
export function createSecretBox(secretKey: string): SecretBox {
  if (secretKey.length < 32) throw new Error('the secret key must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'gatehouse', 'prisma-store secret box v1', 32));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed) {
      const [version, iv, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !body) throw new Error('unknown sealed value format');
      const data = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
