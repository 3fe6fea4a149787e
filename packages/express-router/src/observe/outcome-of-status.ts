/**
 * The outcome of a response nobody named an OAuth error for, by its status: `ok` below 400,
 * `rate_limited` for 429, `server_error` from 500, `access_denied` for 401 and 403 (a failed
 * sign-in, say), `not_found` for 404, else `invalid_request`.
 *
 * @example
 * outcomeOfStatus(302); // 'ok'
 * outcomeOfStatus(429); // 'rate_limited'
 */
export function outcomeOfStatus(status: number): string {
  if (status < 400) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status === 401 || status === 403) return 'access_denied';
  return status === 404 ? 'not_found' : 'invalid_request';
}
