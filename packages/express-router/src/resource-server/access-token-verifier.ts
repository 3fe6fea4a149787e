import type { Request } from 'express';
import type { BearerAuth } from './bearer-auth.js';
import { insufficientScope, missingToken } from './bearer-error.js';
import { introspectionCheck } from './introspection-check.js';
import { issuerKeySet } from './issuer-key-set.js';
import { issuerMetadata } from './issuer-metadata.js';
import { readBearerToken } from './read-bearer-token.js';
import { resolveRequireTokenOptions, type RequireTokenOptions } from './require-token-options.js';
import { verifyJwtAccessToken } from './verify-jwt-access-token.js';

/** The one check behind `requireToken` and `GatehouseBearerStrategy`. */
export interface AccessTokenVerifier {
  /** The `realm` of the challenges. */
  readonly realm: string;
  /**
   * The verified token of `req`, which must carry the configured scopes and `scopes`; rejects with
   * a `BearerError` (what to answer) otherwise.
   */
  authenticate(req: Request, scopes?: readonly string[]): Promise<BearerAuth>;
}

/**
 * Validates options once and keeps the issuer's metadata, keys and introspection answers for every
 * request it checks: the token's syntax (RFC 6750 §2), its JWT (offline), then, when configured,
 * introspection (revocation), then the scopes (RFC 6750 §3.1 `insufficient_scope`).
 */
export function createAccessTokenVerifier(options: RequireTokenOptions): AccessTokenVerifier {
  const settings = resolveRequireTokenOptions(options);
  const metadata = issuerMetadata(settings.issuer);
  const keys = issuerKeySet(settings.jwksUri, metadata, settings.jwksCooldownSeconds);
  const introspect = settings.introspection ? introspectionCheck(settings.introspection, metadata) : null;
  return {
    realm: settings.realm,
    async authenticate(req, scopes = []) {
      const token = readBearerToken(req);
      if (token === null) throw missingToken();
      const auth = await verifyJwtAccessToken(token, keys, settings);
      if (introspect) await introspect(token, auth.claims.exp!);
      const required = [...new Set([...settings.scopes, ...scopes])];
      if (required.some((scope) => !auth.scopes.includes(scope))) throw insufficientScope(required);
      return auth;
    },
  };
}
