import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token-verifier.js';
import { BearerError } from './bearer-error.js';
import { scopeList, type RequireTokenOptions } from './require-token-options.js';

/**
 * A passport strategy (`gatehouse-bearer`) with the checks of `requireToken`: on success
 * `req.user` (and `req.auth`) is the verified token; on failure passport answers with the same
 * status and `WWW-Authenticate` challenge as `requireToken` (RFC 6750 §3). `scope` in the options
 * of `passport.authenticate` adds scopes for that route.
 *
 * @example
 * ```ts
 * passport.use(new GatehouseBearerStrategy({ issuer: 'http://localhost:9000/application/o/api/', audience: 'api' }));
 * app.get('/notes', passport.authenticate('gatehouse-bearer', { session: false, scope: 'notes:read' }), (req, res) => res.json(req.user));
 * ```
 */
export class GatehouseBearerStrategy extends Strategy {
  readonly name = 'gatehouse-bearer';
  // Not a #private field: passport runs each request on `Object.create(strategy)`, which has none.
  private readonly verifier: AccessTokenVerifier;

  constructor(options: RequireTokenOptions) {
    super();
    this.verifier = createAccessTokenVerifier(options);
  }

  override authenticate(req: Request, options?: { readonly scope?: string | readonly string[] }): void {
    let scopes: string[];
    try {
      scopes = scopeList(options?.scope, 'scope');
    } catch (error) {
      return this.error(error as Error);
    }
    this.verifier.authenticate(req, scopes).then(
      (auth) => {
        req.auth = auth;
        this.success(auth);
      },
      (error: unknown) => {
        if (!(error instanceof BearerError)) return this.error(error as Error);
        const challenge = error.challenge(this.verifier.realm);
        // Passport sets `WWW-Authenticate` from the challenge on a 401 only; RFC 6750 §3 wants it
        // on the 400 and 403 too.
        if (challenge !== undefined && error.status !== 401) req.res?.setHeader('WWW-Authenticate', challenge);
        this.fail(challenge ?? error.description, error.status);
      },
    );
  }
}
