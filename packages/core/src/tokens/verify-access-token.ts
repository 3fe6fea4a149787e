import { compactDecrypt, decodeProtectedHeader } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import { invalidToken } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';
import { decodeJws, hasValidSignature } from './verify-jws.js';

export interface VerifiedAccessToken {
  readonly application: Application;
  readonly record: AccessTokenRecord;
}

type Context = Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings'>;

/** The signed JWT inside an encrypted access token (five segments), decrypted with our key. */
async function unseal(context: Context, token: string): Promise<{ readonly jwt: string; readonly encrypted: boolean }> {
  // Five segments make a JWE (RFC 7516 §7.1), three a JWS.
  if (token.split('.', 6).length !== 5) return { jwt: token, encrypted: false };
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = typeof kid === 'string' ? await context.keys.decryptionKey(kid) : null;
    if (!key) throw new Error('unknown encryption key');
    const { plaintext } = await compactDecrypt(token, key, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256CBC-HS512'] });
    return { jwt: new TextDecoder().decode(plaintext), encrypted: true };
  } catch (error) {
    throw invalidToken('the access token is invalid', { cause: error });
  }
}

// RFC 8725 §3.11 / RFC 9068 §2.1: `typ` is compared without the optional `application/` prefix.
const isAccessTokenType = (typ: unknown): boolean => typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === 'at+jwt';
const hasAudience = (aud: unknown, audience: string): boolean => aud === audience || (Array.isArray(aud) && aud.includes(audience));

/**
 * Verifies an access token this server issued: decryption when it is a JWE, the signature with
 * the issuing application's key (by `kid`, so tokens signed before a rotation still verify),
 * `iss`, `aud`, expiry and RFC 9068 `typ`, then its record, which tells whether it was revoked.
 */
export async function verifyAccessToken(context: Context, token: string): Promise<VerifiedAccessToken> {
  const { jwt, encrypted } = await unseal(context, token);
  const jws = decodeJws(jwt);
  if (!jws) throw invalidToken('the access token is malformed');
  const { header, payload } = jws;
  const clientId = payload['client_id'];
  const application = typeof clientId === 'string' ? await context.stores.applications.findByClientId(clientId) : null;
  if (!application || encrypted !== (application.encryptionKey !== null)) throw invalidToken('the access token is invalid');
  const kid = header['kid'];
  const key = await context.keys.verificationKeyFor(application, typeof kid === 'string' ? kid : undefined);
  if (!key) throw invalidToken('the access token was signed with an unknown key');
  const now = context.clock.now();
  const { exp, nbf, iat, jti } = payload;
  const valid =
    hasValidSignature(jws, key) &&
    isAccessTokenType(header['typ']) &&
    payload['iss'] === issuerFor(application, context.settings.baseUrl) &&
    hasAudience(payload['aud'], application.clientId) &&
    typeof exp === 'number' && exp > now &&
    (nbf === undefined || (typeof nbf === 'number' && nbf <= now)) &&
    (iat === undefined || typeof iat === 'number');
  if (!valid) throw invalidToken('the access token is invalid or has expired');
  const record = typeof jti === 'string' ? await context.stores.accessTokens.find(jti, now) : null;
  if (!record || record.revokedAt !== null || record.applicationId !== application.id) {
    throw invalidToken('the access token has been revoked or has expired');
  }
  return { application, record };
}
