import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { invalidClient } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { Application } from './application.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** JWS algorithms with a public key (RFC 7518 §3): never `none`, never HMAC keyed with a public key (RFC 8725 §3.1). */
export const asymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const hmacAlgorithms = ['HS256', 'HS384', 'HS512'];

/** Who an assertion says it is, read without trusting it yet. */
export function assertionClientId(assertion: string): string | undefined {
  try {
    const { iss, sub } = decodeJwt(assertion);
    return typeof iss === 'string' && iss === sub ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Which client authentication method an assertion uses: HMAC with the secret, or the client's private key. */
export function assertionMethod(assertion: string): 'client_secret_jwt' | 'private_key_jwt' {
  try {
    return hmacAlgorithms.includes(decodeProtectedHeader(assertion).alg ?? '') ? 'client_secret_jwt' : 'private_key_jwt';
  } catch {
    return 'private_key_jwt';
  }
}

/**
 * False for a second use of the same `jti` while the assertion is valid (RFC 7523 §3 item 7):
 * the CodeCache keeps it until `exp`.
 */
export async function refuseReplay(context: Pick<ServerContext, 'codes' | 'clock'>, scope: string, payload: JWTPayload): Promise<boolean> {
  // Without a jti there is nothing to remember (Kubernetes tokens before 1.29 carry none); client
  // assertions, where OIDC Core §9 requires one, are checked for it before this.
  if (typeof payload.jti !== 'string') return true;
  if (payload.exp === undefined) return false;
  const ttl = Math.max(1, payload.exp - context.clock.now() + 60);
  return context.codes.add(`jti:${scope}:${payload.jti}`, 1, ttl);
}

/**
 * Verifies a `client_secret_jwt` or `private_key_jwt` assertion (RFC 7523 §3, OIDC Core §9):
 * signed by the client (HMAC with its secret, or one of its registered keys), `iss` = `sub` =
 * client_id, this server's token endpoint (or the issuer) in `aud`, not expired, `jti` unused.
 */
export async function verifyClientAssertion(
  context: Pick<ServerContext, 'codes' | 'clock' | 'keySets' | 'settings'>,
  application: Application,
  assertion: string,
  audiences: readonly string[],
): Promise<void> {
  const method = assertionMethod(assertion);
  if (application.tokenEndpointAuthMethod !== method) {
    throw invalidClient('client authentication failed', { detail: `${method} used by a client registered for ${application.tokenEndpointAuthMethod}` });
  }
  let key: KeyObject | JWTVerifyGetKey;
  if (method === 'client_secret_jwt') {
    if (!application.hmacSecret) throw invalidClient('client authentication failed', { detail: 'client_secret_jwt without a stored secret' });
    key = createSecretKey(Buffer.from(application.hmacSecret, 'utf8'));
  } else if (application.jwks) {
    key = context.keySets.local(application.jwks);
  } else if (application.jwksUri) {
    key = context.keySets.remote(application.jwksUri);
  } else {
    throw invalidClient('client authentication failed', { detail: 'private_key_jwt without registered keys' });
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, key as JWTVerifyGetKey, {
      algorithms: method === 'client_secret_jwt' ? hmacAlgorithms : asymmetricAlgorithms,
      issuer: application.clientId,
      subject: application.clientId,
      audience: [...audiences],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(context.clock.now() * 1000),
      clockTolerance: 30,
    }));
  } catch (error) {
    throw invalidClient('client authentication failed', { cause: error, detail: `invalid client assertion: ${(error as Error).message}` });
  }
  if (!(await refuseReplay(context, `client:${application.clientId}`, payload))) {
    throw invalidClient('client authentication failed', { detail: 'client assertion replayed' });
  }
}
