import { claimedClientId, digestToken, errorResponse, OAuthError, type EndpointResponse } from '@gatehouse/core';
import { allowRegisteredOrigin } from '../http/cors.js';
import type { Params } from '../http/read-params.js';
import type { RateLimits } from '../http/rate-limits.js';
import type { FormEndpointGuard } from './form-endpoint.js';
import type { ApiRequest, RouteContext } from './route.js';

/** The form endpoints that authenticate clients; `token` and `introspection` have limits of their own. */
export type FormEndpointName = 'token' | 'introspection' | 'revocation' | 'device';

const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * RFC 6585 §4: 429 with `Retry-After`. OAuth registers no rate-limit error for these endpoints;
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1) says "try again later" to every client library,
 * and a polling device gets RFC 8628's `slow_down`, the one code that keeps it polling.
 */
function tooManyRequests(params: Params, retryAfterSeconds: number, requestId: string): EndpointResponse {
  const error = params['grant_type'] === deviceCodeGrantType
    ? new OAuthError('slow_down', 'too many requests; poll less often', { status: 429, retryAfterSeconds })
    : new OAuthError('temporarily_unavailable', 'too many requests; try again later', { status: 429, retryAfterSeconds });
  return errorResponse(error, requestId);
}

// An introspection caller may authenticate with a bearer token instead of as a client.
const bearerOf = (req: ApiRequest) => req.headers.authorization?.match(/^Bearer +(\S+) *$/i)?.[1];


/**
 * CORS (unless `cors` is false) and rate limits around one form endpoint. An address blocked for failed client
 * authentication is refused first, so a flood of made-up client ids never reaches the per-client
 * counters; then the request counts against its client (token) or caller (introspection).
 */
export function formGuard(context: RouteContext, endpoint: FormEndpointName, limits: RateLimits | null, cors = true): FormEndpointGuard {
  const addressOf = (req: ApiRequest) => context.options.clientAddress?.(req) ?? req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const perCaller = endpoint === 'token' || endpoint === 'introspection' ? endpoint : null;
  return {
    async admit(req, res, params, requestId) {
      try {
        const bearer = endpoint === 'introspection' ? bearerOf(req) : undefined;
        // The client a request names is the one whose origins count. It is authenticated later; a
        // request that fails authentication only shows its own error to that origin.
        const named = () => (params === null || bearer !== undefined ? undefined : claimedClientId(params, req.headers.authorization));
        if (cors && req.headers.origin !== undefined) await allowRegisteredOrigin(context.server, req, res, named());
        if (!limits || params === null) return null;
        const clientId = named();
        let wait = await limits.blockedFor(addressOf(req));
        const key = bearer !== undefined ? `bearer:${digestToken(bearer)}` : clientId;
        if (wait === 0 && perCaller !== null && key !== undefined) wait = await limits.consume(perCaller, key);
        return wait > 0 ? tooManyRequests(params, wait, requestId) : null;
      } catch (error) {
        context.options.logger?.error({ requestId, err: error }, 'rate limit or CORS check failed');
        return null;
      }
    },
    async settle(req, response) {
      if (!limits || response.status !== 401 || (response.body as { error?: unknown } | null)?.error !== 'invalid_client') return;
      try {
        await limits.failedAuthentication(addressOf(req));
      } catch {
        // Counted next time; the answer stands.
      }
    },
  };
}
