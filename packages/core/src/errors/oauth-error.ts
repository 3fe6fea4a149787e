import { oauthErrorStatus, type OAuthErrorCode } from './error-codes.js';

export interface OAuthErrorOptions {
  /** Private detail for logs; never sent to the client. */
  readonly detail?: string;
  readonly cause?: unknown;
  /**
   * False when the error happened before the redirect URI was trusted (unknown client, bad
   * redirect_uri): such errors are shown to the user and never redirected (RFC 6749 §4.1.2.1).
   */
  readonly redirectable?: boolean;
  /** Overrides the status of the code table (e.g. 413 for an oversized body). */
  readonly status?: number;
  /** For `temporarily_unavailable` and rate limits: sent as `Retry-After` (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds?: number;
}

// RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
const unsafeDescriptionChars = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
// Descriptions may quote what the client sent: bounded, so an error redirect stays readable.
const maxDescriptionLength = 256;
const bounded = (description: string): string =>
  description.length > maxDescriptionLength ? `${description.slice(0, maxDescriptionLength - 3)}...` : description;

/** The one error type of Gatehouse: an OAuth error code with a public description. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly redirectable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`, { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = bounded(description.replace(unsafeDescriptionChars, ' '));
    this.status = options.status ?? oauthErrorStatus[code];
    this.detail = options.detail;
    this.redirectable = options.redirectable ?? true;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Any thrown value as an OAuthError; unknown failures become a generic `server_error`. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  return new OAuthError('server_error', 'The server could not complete the request', {
    cause: error,
    detail: error instanceof Error ? error.stack ?? error.message : String(error),
  });
}

export const invalidRequest = (description: string, options?: OAuthErrorOptions): OAuthError =>
  new OAuthError('invalid_request', description, options);
export const invalidClient = (description: string, options?: OAuthErrorOptions): OAuthError =>
  new OAuthError('invalid_client', description, options);
export const invalidGrant = (description: string, options?: OAuthErrorOptions): OAuthError =>
  new OAuthError('invalid_grant', description, options);
export const invalidToken = (description: string, options?: OAuthErrorOptions): OAuthError =>
  new OAuthError('invalid_token', description, options);
export const invalidScope = (description: string, options?: OAuthErrorOptions): OAuthError =>
  new OAuthError('invalid_scope', description, options);
