import type { ServerResponse } from 'node:http';
import { errorResponse, toOAuthError, type EndpointResponse } from '@gatehouse/core';
import { noteCaller, noteOutcome } from '../observe/observation.js';
import type { FormEndpointGuard } from '../routes/form-endpoint.js';
import type { ApiRoute, RouteContext } from '../routes/route.js';
import { toGithubTokenError } from './github-errors.js';
import { commaScopes } from './github-scopes.js';
import { readGithubParams } from './read-github-params.js';

/** GitHub answers form-encoded unless the client asks for JSON (passport-github2 and Octokit do). */
const wantsJson = (accept: string | undefined): boolean => /application\/(?:[\w.-]+\+)?json/i.test(accept ?? '');

/** The success fields GitHub sends: `token_type=bearer`, `scope` comma-separated and always present. */
function tokenFields(body: Record<string, unknown>): Record<string, string | number> {
  return {
    access_token: String(body['access_token']),
    token_type: 'bearer',
    scope: commaScopes(typeof body['scope'] === 'string' ? body['scope'] : ''),
    // Like GitHub's expiring user tokens: clients that know expiry use it, others ignore it.
    ...(typeof body['expires_in'] === 'number' ? { expires_in: body['expires_in'] } : {}),
    ...(typeof body['refresh_token'] === 'string' ? { refresh_token: body['refresh_token'] } : {}),
  };
}

/**
 * Writes a core token response the GitHub way: client errors with HTTP 200 and GitHub's codes
 * (server errors, oversized bodies and rate limits keep their status), in JSON or as a form.
 */
function writeGithubToken(res: ServerResponse, response: EndpointResponse, asJson: boolean): void {
  const body = (response.body ?? {}) as Record<string, unknown>;
  if (response.status !== 200) noteOutcome(res, String(body['error']));
  const fields = response.status === 200 ? tokenFields(body) : toGithubTokenError(String(body['error']), String(body['error_description'] ?? ''));
  const status = [200, 400, 401, 403].includes(response.status) ? 200 : response.status;
  const retryAfter = response.headers['retry-after'];
  const text = asJson ? JSON.stringify(fields) : new URLSearchParams(Object.entries(fields).map(([name, value]): [string, string] => [name, String(value)])).toString();
  res.writeHead(status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
    'content-type': asJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * POST /login/oauth/access_token: form or JSON body, client credentials in the body or Basic;
 * `grant_type` defaults to `authorization_code` (GitHub clients do not send it). PKCE is not
 * needed: a code issued without a challenge is exchanged without a verifier.
 */
export function githubTokenRoute({ server }: RouteContext, guard?: FormEndpointGuard): ApiRoute {
  return async (req, res, requestId) => {
    const asJson = wantsJson(req.headers.accept);
    let response: EndpointResponse;
    try {
      const read = await readGithubParams(req);
      const params = { ...read, grant_type: read['grant_type'] ?? 'authorization_code' };
      noteCaller(res, params, req.headers.authorization);
      // The token endpoint's rate limits hold at this door to it too.
      response = (await guard?.admit(req, res, params, requestId)) ?? (await server.token({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      response = errorResponse(toOAuthError(error), requestId);
    }
    await guard?.settle(req, response);
    writeGithubToken(res, response, asJson);
  };
}
