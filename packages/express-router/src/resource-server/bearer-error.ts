/** The error codes a protected resource answers with (RFC 6750 §3.1), and one for an unreachable issuer. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

interface BearerErrorOptions {
  readonly cause?: unknown;
  /** The scopes the resource needs, for `insufficient_scope` (RFC 6750 §3). */
  readonly scope?: string;
  /** RFC 6750 §3.1: a request without any token gets a challenge without error details. */
  readonly withoutDetails?: boolean;
}

/**
 * Why a request to a protected resource was refused, and how to say it: the status, the
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) and the JSON body `{ error, error_description }`.
 * Descriptions are fixed texts of this module: they never quote the token or a claim.
 *
 * @example
 * ```ts
 * if (error instanceof BearerError) res.status(error.status).json(error.toJSON());
 * ```
 */
export class BearerError extends Error {
  override readonly name = 'BearerError';
  readonly scope: string | undefined;
  readonly #withoutDetails: boolean;

  constructor(
    readonly status: 400 | 401 | 403 | 503,
    readonly code: BearerErrorCode,
    readonly description: string,
    options: BearerErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.scope = options.scope;
    this.#withoutDetails = options.withoutDetails ?? false;
  }

  /** The `WWW-Authenticate` value; none when the issuer was unreachable (no fault of the credentials). */
  challenge(realm: string): string | undefined {
    if (this.status === 503) return undefined;
    if (this.#withoutDetails) return `Bearer realm="${realm}"`;
    const scope = this.scope === undefined ? '' : `, scope="${this.scope}"`;
    return `Bearer realm="${realm}", error="${this.code}", error_description="${this.description}"${scope}`;
  }

  toJSON(): { readonly error: BearerErrorCode; readonly error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export const missingToken = (): BearerError => new BearerError(401, 'invalid_token', 'an access token is required', { withoutDetails: true });
export const invalidRequest = (description: string): BearerError => new BearerError(400, 'invalid_request', description);
export const invalidToken = (description: string, cause?: unknown): BearerError => new BearerError(401, 'invalid_token', description, { cause });
export const insufficientScope = (required: readonly string[]): BearerError =>
  new BearerError(403, 'insufficient_scope', 'the access token lacks a scope this resource requires', { scope: required.join(' ') });
export const issuerUnavailable = (description: string, cause?: unknown): BearerError => new BearerError(503, 'temporarily_unavailable', description, { cause });
