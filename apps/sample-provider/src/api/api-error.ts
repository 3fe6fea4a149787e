import { OAuthError } from '@gatehouse/core';
import { AdminError } from '../admin/index.js';

/** The error codes of the management API; the OAuth ones keep their RFC 6749/6750 meaning. */
export type ApiErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'access_denied' | 'not_found' | 'conflict' | 'temporarily_unavailable' | 'server_error';

/** One wrong field of a request: where (`body.redirect_uris.0.url`, `query.limit`) and why. */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A refusal of the management API with its status; written as `{ error, error_description,
 * request_id }` (plus `issues` for invalid input) with the `headers` given.
 *
 * @example
 * throw new ApiError(404, 'not_found', 'no group named ops');
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const adminStatus = { not_found: 404, conflict: 409, invalid_input: 400 } as const;

/** What the API answers for anything thrown by a handler: its own errors, the admin operations', outages; anything else is a 500 without details. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AdminError) {
    return new ApiError(adminStatus[error.code], error.code === 'invalid_input' ? 'invalid_request' : error.code, error.message, error.issues);
  }
  if (error instanceof OAuthError && error.status === 503) {
    return new ApiError(503, 'temporarily_unavailable', error.description, [], { 'Retry-After': String(error.retryAfterSeconds ?? 5) });
  }
  return new ApiError(500, 'server_error', 'the server could not complete the request');
}
