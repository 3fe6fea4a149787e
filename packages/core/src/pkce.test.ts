import { createHash } from 'node:crypto';
import { OAuthError } from './errors/oauth-error.js';
import { parseCodeChallenge, verifyCodeVerifier } from './pkce.js';

const verifier = 'a'.repeat(43);
const s256 = createHash('sha256').update(verifier).digest('base64url');

describe('verifyCodeVerifier', () => {
  it.each([
    ['accepts the S256 verifier', { codeChallenge: s256, codeChallengeMethod: 'S256' as const }, verifier, null],
    ['accepts the plain verifier', { codeChallenge: verifier, codeChallengeMethod: 'plain' as const }, verifier, null],
    ['accepts no verifier for a code without challenge', null, undefined, null],
    ['refuses a challenged code without verifier (CVE-2023-48228)', { codeChallenge: s256, codeChallengeMethod: 'S256' as const }, undefined, 'invalid_grant'],
    ['refuses a verifier for a code without challenge (CVE-2024-23647)', null, verifier, 'invalid_grant'],
    ['refuses a wrong verifier', { codeChallenge: s256, codeChallengeMethod: 'S256' as const }, 'b'.repeat(43), 'invalid_grant'],
    ['refuses a verifier shorter than 43 characters', { codeChallenge: 'a'.repeat(42), codeChallengeMethod: 'plain' as const }, 'a'.repeat(42), 'invalid_grant'],
    ['refuses a verifier with characters outside the unreserved set', { codeChallenge: s256, codeChallengeMethod: 'S256' as const }, `${'a'.repeat(42)}!`, 'invalid_grant'],
  ])('%s', (_name, challenge, presented, expected) => {
    const run = () => verifyCodeVerifier(challenge, presented);
    if (expected === null) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: expected }));
  });
});

describe('parseCodeChallenge', () => {
  it('defaults the method to plain (RFC 7636 §4.3)', () => {
    expect(parseCodeChallenge({ code_challenge: verifier }, { required: false, allowPlain: true })).toEqual({ codeChallenge: verifier, codeChallengeMethod: 'plain' });
  });
  it.each([
    ['a public client without challenge', {}, { required: true, allowPlain: false }],
    ['a plain challenge where S256 is required', { code_challenge: verifier }, { required: true, allowPlain: false }],
    ['an unknown method', { code_challenge: s256, code_challenge_method: 'S512' }, { required: false, allowPlain: true }],
    ['a method without challenge', { code_challenge_method: 'S256' }, { required: false, allowPlain: true }],
    ['a malformed S256 challenge', { code_challenge: 'short', code_challenge_method: 'S256' }, { required: false, allowPlain: true }],
  ])('refuses %s with invalid_request', (_name, params, options) => {
    expect(() => parseCodeChallenge(params, options)).toThrow(OAuthError);
    expect(() => parseCodeChallenge(params, options)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
