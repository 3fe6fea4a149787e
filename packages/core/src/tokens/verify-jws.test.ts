import { createSecretKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey, VerificationKey } from '../keys/key-ring.js';
import { signJwt } from './sign-jwt.js';
import { decodeJws, hasValidSignature } from './verify-jws.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const pairs = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: generateKeyPairSync('ed25519'),
};
const verifierOf = (alg: VerificationKey['alg'], key: KeyObject): VerificationKey => ({ alg, key });

describe('hasValidSignature', () => {
  it.each(Object.keys(pairs) as (keyof typeof pairs)[])('accepts what signJwt and jose sign with %s', async (alg) => {
    const { privateKey, publicKey } = pairs[alg];
    const ours = signJwt({ sub: 'a' }, { alg, kid: 'k', key: privateKey } satisfies SigningKey, 'at+jwt');
    const jose = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg, typ: 'at+jwt' }).sign(privateKey);
    for (const token of [ours, jose]) expect(hasValidSignature(decodeJws(token)!, verifierOf(alg, publicKey))).toBe(true);
  });

  it('refuses a tampered payload, another key, and a header naming another algorithm', () => {
    const { privateKey, publicKey } = pairs.ES256;
    const token = signJwt({ sub: 'a' }, { alg: 'ES256', kid: 'k', key: privateKey }, 'at+jwt');
    const [header, , signature] = token.split('.');
    expect(hasValidSignature(decodeJws(`${header}.${b64({ sub: 'b' })}.${signature}`)!, verifierOf('ES256', publicKey))).toBe(false);
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES256', pairs.ES384.publicKey))).toBe(false);
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES384', pairs.ES384.publicKey))).toBe(false);
  });

  it('refuses alg none, HMAC keyed with the public key, and critical extensions', () => {
    const { privateKey, publicKey } = pairs.RS256;
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: 'a' })}.`;
    expect(hasValidSignature(decodeJws(none)!, verifierOf('RS256', publicKey))).toBe(false);
    // The classic confusion: an HS256 token whose HMAC key is the RSA public key's PEM.
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const confused = signJwt({ sub: 'a' }, { alg: 'HS256', kid: undefined, key: createSecretKey(Buffer.from(pem)) }, 'at+jwt');
    expect(hasValidSignature(decodeJws(confused)!, verifierOf('RS256', publicKey))).toBe(false);
    const input = `${b64({ alg: 'RS256', typ: 'at+jwt', crit: ['exp'] })}.${b64({ sub: 'a' })}`;
    const critical = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(hasValidSignature(decodeJws(critical)!, verifierOf('RS256', publicKey))).toBe(false);
  });

  it('checks HS256 with the shared secret', () => {
    const secret = createSecretKey(Buffer.from('a-client-secret-that-is-long-enough-for-hmac'));
    const token = signJwt({ sub: 'a' }, { alg: 'HS256', kid: undefined, key: secret }, 'at+jwt');
    expect(hasValidSignature(decodeJws(token)!, verifierOf('HS256', secret))).toBe(true);
    expect(hasValidSignature(decodeJws(`${token.slice(0, -2)}AA`)!, verifierOf('HS256', secret))).toBe(false);
  });
});

describe('decodeJws', () => {
  it.each([
    ['two segments', `${b64({ alg: 'ES256' })}.${b64({})}`],
    ['four segments', `${b64({ alg: 'ES256' })}.${b64({})}.a.b`],
    ['a header that is not JSON', `bm90IGpzb24.${b64({})}.sig`],
    ['a payload that is an array', `${b64({ alg: 'ES256' })}.${b64([1])}.sig`],
    ['a payload that is null', `${b64({ alg: 'ES256' })}.${b64(null)}.sig`],
  ])('refuses %s', (_name, token) => {
    expect(decodeJws(token)).toBeNull();
  });
});

describe('remembered signatures', () => {
  it('remembers a valid signature for the key that checked it only', () => {
    const token = signJwt({ sub: 'a' }, { alg: 'ES256', kid: 'k', key: pairs.ES256.privateKey }, 'at+jwt');
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES256', pairs.ES256.publicKey))).toBe(true);
    // Asked again with another key object of the same algorithm (a rotation), it is checked anew.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES256', other))).toBe(false);
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES256', pairs.ES256.publicKey))).toBe(true);
  });

  it('never remembers a token with another payload under a known signature', () => {
    const token = signJwt({ sub: 'a' }, { alg: 'ES256', kid: 'k', key: pairs.ES256.privateKey }, 'at+jwt');
    expect(hasValidSignature(decodeJws(token)!, verifierOf('ES256', pairs.ES256.publicKey))).toBe(true);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ sub: 'admin' })}.${signature}`;
    expect(hasValidSignature(decodeJws(forged)!, verifierOf('ES256', pairs.ES256.publicKey))).toBe(false);
  });
});
