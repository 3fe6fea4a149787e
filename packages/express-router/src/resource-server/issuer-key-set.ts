import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { issuerUnavailable } from './bearer-error.js';
import { issuerTimeoutMs, type IssuerMetadata } from './issuer-metadata.js';

/**
 * The issuer's public keys, through jose's remote key set: downloaded on first use, kept for ten
 * minutes, downloaded again for a `kid` it lacks (at most once per `cooldownSeconds`). The JWKS
 * URL is `jwksUri`, or the metadata's. A key the set lacks is the token's fault (jose's
 * `JWKSNoMatchingKey`); a failed download is the issuer's (503), and is tried again next time.
 */
export function issuerKeySet(jwksUri: string | undefined, metadata: () => Promise<IssuerMetadata>, cooldownSeconds: number): JWTVerifyGetKey {
  let remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  const remoteKeys = async () => {
    const uri = jwksUri ?? (await metadata()).jwksUri;
    // Checked after the wait: concurrent first requests must share one set (and one download).
    remote ??= createRemoteJWKSet(new URL(uri), { cooldownDuration: cooldownSeconds * 1000, timeoutDuration: issuerTimeoutMs });
    return remote;
  };
  return async (header, token) => {
    const keys = await remoteKeys();
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw issuerUnavailable('the keys of the token issuer could not be fetched', error);
    }
  };
}
