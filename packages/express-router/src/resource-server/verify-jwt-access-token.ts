import { asymmetricAlgorithms, parseScope } from '@gatehouse/core';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { BearerAuth } from './bearer-auth.js';
import { BearerError, invalidToken } from './bearer-error.js';
import type { ResolvedRequireTokenOptions } from './require-token-options.js';

/** What jose found wrong, said without quoting the token. */
function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `the access token has no ${error.claim} claim`;
    switch (error.claim) {
      case 'aud': return 'the access token is meant for another audience';
      case 'iss': return 'the access token comes from another issuer';
      case 'nbf': return 'the access token is not valid yet';
      case 'typ': return 'the token is not an access token';
      default: return `the ${error.claim} claim of the access token is invalid`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the access token is not signed with an accepted algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature of the access token is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the access token was signed with an unknown key';
  return 'the access token is malformed';
}

const audienceOf = (aud: JWTPayload['aud']): string[] => (aud === undefined ? [] : typeof aud === 'string' ? [aud] : [...aud]);

/**
 * Checks an RFC 9068 JWT access token offline: an asymmetric signature by one of the issuer's keys
 * (never `none`, never HMAC: RFC 8725 §3.1), `typ` `at+jwt` (so an ID token is no access token,
 * RFC 9068 §4), `iss`, `aud` when an audience is configured, `exp` and `nbf` within the tolerance.
 */
export async function verifyJwtAccessToken(token: string, keys: JWTVerifyGetKey, options: ResolvedRequireTokenOptions): Promise<BearerAuth> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms: asymmetricAlgorithms,
      typ: 'at+jwt',
      issuer: options.issuer,
      ...(options.audience !== undefined ? { audience: [...options.audience] } : {}),
      clockTolerance: options.clockToleranceSeconds,
      // RFC 9068 §2.2: the claims every access token has.
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
    }));
  } catch (error) {
    if (error instanceof BearerError) throw error;
    throw invalidToken(describeFailure(error), error);
  }
  const { sub, scope } = claims;
  const clientId = claims['client_id'];
  if (typeof sub !== 'string' || typeof clientId !== 'string' || (scope !== undefined && typeof scope !== 'string')) {
    throw invalidToken('the claims of the access token are malformed');
  }
  return { token, claims, subject: sub, clientId, scopes: parseScope(scope as string | undefined), audience: audienceOf(claims.aud) };
}
