import { createHash } from 'node:crypto';
import { tokenHash } from './token-hash.js';

// OIDC Core §A.3 (response_type=id_token token, RS256): the access token and its at_hash.
const specAccessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
const specAtHash = '77QmUPtjPfzWtF2AnpK9RQ';
// OIDC Core §A.4 (response_type=code id_token, RS256): the code and its c_hash.
const specCode = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
const specCHash = 'LDktKdoQak3Pk0cnXxCltA';

/** Independent computation: left half of the digest, base64url without padding. */
const leftHalf = (value: string, hash: string) => {
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
};

describe('tokenHash', () => {
  it.each([
    ['gives the at_hash of the OIDC Core §A.3 example', specAccessToken, 'RS256', specAtHash],
    ['gives the c_hash of the OIDC Core §A.4 example', specCode, 'RS256', specCHash],
  ])('%s', (_name, value, alg, expected) => {
    expect(tokenHash(value, alg)).toBe(expected);
  });

  it.each([
    ['HS256', 'sha256', 22],
    ['RS256', 'sha256', 22],
    ['ES256', 'sha256', 22],
    ['ES384', 'sha384', 32],
    ['ES512', 'sha512', 43],
    ['EdDSA', 'sha512', 43],
  ])('uses the hash of %s (%s), left half, unpadded base64url', (alg, hash, length) => {
    const result = tokenHash(specAccessToken, alg);
    expect(result).toBe(leftHalf(specAccessToken, hash));
    expect(result).toHaveLength(length);
    expect(result).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
