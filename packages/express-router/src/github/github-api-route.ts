import { toOAuthError, type AccessTokenInspection } from '@gatehouse/core';
import { noteOutcome } from '../observe/observation.js';
import type { ApiRoute, RouteContext } from '../routes/route.js';
import type { ApiEndpoint } from './github-endpoints.js';
import { githubError } from './github-errors.js';
import type { GithubLinks, GithubOrganization } from './github-user.js';
import { writeGithubJson } from './write-github-json.js';

/** GitHub accepts the token as `token X` (its own scheme) and as `Bearer X` (RFC 6750 §2.1). */
function readToken(authorization: string | undefined): string | null | undefined {
  if (authorization === undefined) return undefined;
  return authorization.match(/^(?:token|bearer) +([A-Za-z0-9\-._~+/]+=*) *$/i)?.[1] ?? null;
}

/** Everything the API routes share: where objects live and the organization. */
export interface ApiSettings {
  readonly links: GithubLinks;
  readonly organization: GithubOrganization;
}

/**
 * A GitHub REST route: GET (and HEAD) only, the token from `Authorization`, the scope check with
 * `X-OAuth-Scopes` / `X-Accepted-OAuth-Scopes`, then the endpoint's answer as JSON.
 */
export function githubApiRoute({ server }: RouteContext, settings: ApiSettings, endpoint: ApiEndpoint, path: string, segments: readonly string[] = []): ApiRoute {
  return async (req, res, requestId) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return writeGithubJson(res, 404, githubError(404, 'Not Found', endpoint.documentationUrl));
    const token = readToken(req.headers.authorization);
    // RFC 6750 §3 (DESIGN.md §7): a Bearer challenge beside GitHub's own 401 bodies.
    const challenge = { 'www-authenticate': `Bearer realm="gatehouse"${token === undefined ? '' : ', error="invalid_token"'}` };
    // RFC 6750 §3.1's codes for the outcome, which GitHub's bodies do not carry.
    if (token === undefined) {
      noteOutcome(res, 'invalid_request');
      return writeGithubJson(res, 401, githubError(401, 'Requires authentication', endpoint.documentationUrl), challenge);
    }
    const badCredentials = () => {
      noteOutcome(res, 'invalid_token');
      writeGithubJson(res, 401, githubError(401, 'Bad credentials'), challenge);
    };
    if (token === null) return badCredentials();
    let inspection: AccessTokenInspection;
    try {
      inspection = await server.inspectAccessToken({ token, requestId });
    } catch (error) {
      if (toOAuthError(error).status >= 500) throw error;
      return badCredentials();
    }
    const headers: Record<string, string> = { 'x-oauth-scopes': inspection.scopes.join(', '), 'x-accepted-oauth-scopes': endpoint.accepts.join(', ') };
    if (!endpoint.accepts.some((scope) => inspection.scopes.includes(scope))) {
      noteOutcome(res, 'insufficient_scope');
      return writeGithubJson(res, 404, githubError(404, 'Not Found', endpoint.documentationUrl), headers);
    }
    const query = new URL(req.originalUrl ?? req.url ?? '/', 'http://query.invalid').searchParams;
    const answer = endpoint.answer({ ...settings, inspection, query, url: `${settings.links.api}${path}`, segments });
    if (answer.status === 404) return writeGithubJson(res, 404, githubError(404, 'Not Found', endpoint.documentationUrl), headers);
    if (answer.status === 204) return writeGithubJson(res, 204, undefined, headers);
    writeGithubJson(res, 200, answer.body, answer.link === undefined ? headers : { ...headers, link: answer.link });
  };
}

/** GitHub's JSON 404 for everything else under the compatibility prefix. */
export const githubNotFoundRoute: ApiRoute = async (_req, res) => writeGithubJson(res, 404, githubError(404, 'Not Found'));
