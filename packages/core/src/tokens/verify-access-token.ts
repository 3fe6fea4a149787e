import { decodeJwt, jwtVerify } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import { invalidToken } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';

export interface VerifiedAccessToken {
  readonly application: Application;
  readonly record: AccessTokenRecord;
}

/**
 * Verifies an access token this server issued: signature with the issuing application's key,
 * `iss`, `aud`, expiry and RFC 9068 `typ`, then its record, which tells whether it was revoked.
 */
export async function verifyAccessToken(
  context: Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings'>,
  token: string,
): Promise<VerifiedAccessToken> {
  let clientId: unknown;
  try {
    clientId = decodeJwt(token)['client_id'];
  } catch {
    throw invalidToken('the access token is malformed');
  }
  const application = typeof clientId === 'string' ? await context.stores.applications.findByClientId(clientId) : null;
  if (!application) throw invalidToken('the access token is invalid');
  const key = await context.keys.verificationKeyFor(application);
  let jti: unknown;
  try {
    const { payload } = await jwtVerify(token, key.key, {
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
