import { createHash } from 'node:crypto';

const hashByAlgorithm: Readonly<Record<string, string>> = {
  HS256: 'sha256', RS256: 'sha256', ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512', EdDSA: 'sha512',
};

/**
 * `at_hash` / `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): base64url of the left half of the hash
 * that matches the ID token's signing algorithm.
 */
export function tokenHash(value: string, alg: string): string {
  const hash = hashByAlgorithm[alg];
  if (!hash) throw new Error(`no token hash is defined for ${alg}`);
  const digest = createHash(hash).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
