import { compactDecrypt, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import { invalidToken } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';

export interface VerifiedAccessToken {
  readonly application: Application;
  readonly record: AccessTokenRecord;
}

type Context = Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings'>;

/** The signed JWT inside an encrypted access token (five segments), decrypted with our key. */
async function unseal(context: Context, token: string): Promise<{ readonly jwt: string; readonly encrypted: boolean }> {
  if (token.split('.').length !== 5) return { jwt: token, encrypted: false };
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

/**
 * Verifies an access token this server issued: decryption when it is a JWE, the signature with
 * the issuing application's key (by `kid`, so tokens signed before a rotation still verify),
 * `iss`, `aud`, expiry and RFC 9068 `typ`, then its record, which tells whether it was revoked.
 */
export async function verifyAccessToken(context: Context, token: string): Promise<VerifiedAccessToken> {
  const { jwt, encrypted } = await unseal(context, token);
  let clientId: unknown;
  let kid: unknown;
  try {
    clientId = decodeJwt(jwt)['client_id'];
    kid = decodeProtectedHeader(jwt).kid;
  } catch {
    throw invalidToken('the access token is malformed');
  }
  const application = typeof clientId === 'string' ? await context.stores.applications.findByClientId(clientId) : null;
  if (!application || encrypted !== (application.encryptionKey !== null)) throw invalidToken('the access token is invalid');
  const key = await context.keys.verificationKeyFor(application, typeof kid === 'string' ? kid : undefined);
  if (!key) throw invalidToken('the access token was signed with an unknown key');
  let jti: unknown;
  try {
    const { payload } = await jwtVerify(jwt, key.key, {
      algorithms: [key.alg],
      issuer: issuerFor(application, context.settings.baseUrl),
      audience: application.clientId,
      typ: 'at+jwt',
      currentDate: new Date(context.clock.now() * 1000),
    });
    jti = payload.jti;
  } catch (error) {
    throw invalidToken('the access token is invalid or has expired', { cause: error });
  }
  const record = typeof jti === 'string' ? await context.stores.accessTokens.find(jti, context.clock.now()) : null;
  if (!record || record.revokedAt !== null || record.applicationId !== application.id) {
    throw invalidToken('the access token has been revoked or has expired');
  }
  return { application, record };
}
