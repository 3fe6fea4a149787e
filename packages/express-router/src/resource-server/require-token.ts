import type { RequestHandler, Response } from 'express';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token-verifier.js';
import { BearerError } from './bearer-error.js';
import { scopeList, type RequireTokenOptions } from './require-token-options.js';

/** `requireToken`'s middleware, and more of it with extra scopes sharing its keys and caches. */
export interface RequireTokenHandler extends RequestHandler {
  /** The same check, also requiring `scopes` (all of them). */
  withScopes(...scopes: string[]): RequestHandler;
}

/** Writes a refusal: status, `WWW-Authenticate` challenge (RFC 6750 §3) and `{ error, error_description }`. */
function writeBearerError(res: Response, error: BearerError, realm: string): void {
  const challenge = error.challenge(realm);
  if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
  res.status(error.status).json(error.toJSON());
}

function handler(verifier: AccessTokenVerifier, scopes: readonly string[]): RequestHandler {
  return (req, res, next) => {
    verifier.authenticate(req, scopes).then(
      (auth) => {
        req.auth = auth;
        next();
      },
      (error: unknown) => (error instanceof BearerError ? writeBearerError(res, error, verifier.realm) : next(error)),
    );
  };
}

/**
 * Express middleware that lets a request through only with a valid Gatehouse access token:
 * verified offline through the issuer's JWKS (and by introspection when `introspection` is
 * given), carrying every scope of `scopes`. Sets `req.auth`. Refusals follow RFC 6750 §3: 401
 * `invalid_token` (no error details when no token was sent), 403 `insufficient_scope`, 400
 * `invalid_request`; 503 when the issuer cannot be reached. Throws a `TypeError` for bad options.
 *
 * @example
 * ```ts
 * const auth = requireToken({ issuer: 'http://localhost:9000/application/o/api/', audience: 'api' });
 * app.get('/notes', auth.withScopes('notes:read'), (req, res) => res.json({ owner: req.auth!.subject }));
 * ```
 */
export function requireToken(options: RequireTokenOptions): RequireTokenHandler {
  const verifier = createAccessTokenVerifier(options);
  return Object.assign(handler(verifier, []), { withScopes: (...scopes: string[]) => handler(verifier, scopeList(scopes, 'withScopes')) });
}
