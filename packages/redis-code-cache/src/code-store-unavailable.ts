import { OAuthError } from '@gatehouse/core';

/**
 * The error every failed Redis call becomes: RFC 6749 §4.1.2.1 `temporarily_unavailable` (503)
 * with `Retry-After`, so clients back off and retry instead of seeing a generic server_error.
 */
export function codeStoreUnavailable(cause: unknown, retryAfterSeconds: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 'the code store is unavailable; try again shortly', {
    retryAfterSeconds,
    cause,
    detail: `redis: ${cause instanceof Error ? cause.message : String(cause)}`,
  });
}
