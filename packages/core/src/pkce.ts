import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidGrant, invalidRequest } from './errors/oauth-error.js';

export type CodeChallengeMethod = 'S256' | 'plain';

// RFC 7636 §4.1: code-verifier = 43*128unreserved; the same syntax holds for a plain challenge.
const verifierSyntax = /^[A-Za-z0-9\-._~]{43,128}$/;
// RFC 7636 §4.2: an S256 challenge is the base64url SHA-256 of the verifier, always 43 characters.
const s256ChallengeSyntax = /^[A-Za-z0-9\-_]{43}$/;

export interface PkceChallenge {
  readonly codeChallenge: string;
  readonly codeChallengeMethod: CodeChallengeMethod;
}

/**
 * Reads `code_challenge` / `code_challenge_method` of an authorization request (RFC 7636 §4.3).
 * Public clients must use S256: a plain challenge protects nothing against a stolen code.
 */
export function parseCodeChallenge(
  params: Readonly<Record<string, string | undefined>>,
  options: { readonly required: boolean; readonly allowPlain: boolean },
): PkceChallenge | null {
  const challenge = params['code_challenge'];
  const method = params['code_challenge_method'];
  if (challenge === undefined || challenge === '') {
    if (method !== undefined) throw invalidRequest('code_challenge_method requires a code_challenge');
    if (options.required) throw invalidRequest('public clients must send a code_challenge with the S256 method');
    return null;
  }
  const codeChallengeMethod = method ?? 'plain';
  if (codeChallengeMethod !== 'S256' && codeChallengeMethod !== 'plain') {
    throw invalidRequest(`unsupported code_challenge_method ${codeChallengeMethod}`);
  }
  if (!options.allowPlain && codeChallengeMethod !== 'S256') throw invalidRequest('code_challenge_method must be S256');
  const syntax = codeChallengeMethod === 'S256' ? s256ChallengeSyntax : verifierSyntax;
  if (!syntax.test(challenge)) throw invalidRequest('code_challenge has an invalid format');
  return { codeChallenge: challenge, codeChallengeMethod };
}

/**
 * Checks `code_verifier` against the challenge stored with the code (RFC 7636 §4.6). Refuses the
 * downgrades both ways: a challenged code without a verifier (CVE-2023-48228) and a verifier for
 * a code that had no challenge (CVE-2024-23647).
 */
export function verifyCodeVerifier(challenge: PkceChallenge | null, verifier: string | undefined): void {
  if (!challenge) {
    if (verifier !== undefined) throw invalidGrant('code_verifier sent for a code that was issued without a code_challenge');
    return;
  }
  if (verifier === undefined) throw invalidGrant('code_verifier is required for this code');
  if (!verifierSyntax.test(verifier)) throw invalidGrant('code_verifier must be 43 to 128 unreserved characters');
  const computed =
    challenge.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge.codeChallenge);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw invalidGrant('code_verifier does not match the code_challenge');
}
