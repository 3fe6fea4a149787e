import type { JWTPayload } from 'jose';

/**
 * What a verified access token says: `req.auth` after `requireToken`, and `req.user` (as well as
 * `req.auth`) after the `gatehouse-bearer` passport strategy.
 *
 * @example
 * ```ts
 * app.get('/me', requireToken({ issuer }), (req, res) => {
 *   res.json({ subject: req.auth!.subject, client: req.auth!.clientId, scopes: req.auth!.scopes });
 * });
 * ```
 */
export interface BearerAuth {
  /** The access token as it was presented. */
  readonly token: string;
  /** Every claim of the token (RFC 9068 §2.2), checked. */
  readonly claims: Readonly<JWTPayload>;
  /** `sub`: the user, or the service account of a machine client. */
  readonly subject: string;
  /** `client_id`: the application the token was issued to. */
  readonly clientId: string;
  /** The `scope` claim, split. */
  readonly scopes: readonly string[];
  /** `aud`, always as a list. */
  readonly audience: readonly string[];
}

declare global {
  // Express's request type is extended through its global namespace (as @types/passport does for `user`).
  namespace Express {
    interface Request {
      /** The verified access token, set by `requireToken` and the `gatehouse-bearer` strategy. */
      auth?: BearerAuth;
    }
  }
}
