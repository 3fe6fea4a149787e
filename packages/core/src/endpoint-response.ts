import type { OAuthError } from './errors/oauth-error.js';

/** What an endpoint function answers: the router writes it as JSON. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The body already serialised (cached documents); written instead of `body` when present. */
  readonly json?: string;
}

// RFC 6749 §5.1: responses with tokens or credentials are never cached.
export const noStore: Readonly<Record<string, string>> = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The one error body of Gatehouse: `{ error, error_description, request_id }`. */
export function errorResponse(error: OAuthError, requestId: string, headers: Readonly<Record<string, string>> = {}): EndpointResponse {
  const challenge: Record<string, string> =
    error.code === 'invalid_client' ? { 'www-authenticate': 'Basic realm="gatehouse", charset="UTF-8"' } : {};
  const retryAfter: Record<string, string> =
    error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return {
    status: error.status,
    headers: { ...noStore, ...challenge, ...retryAfter, ...headers },
    body: { error: error.code, error_description: error.description, request_id: requestId },
  };
}
