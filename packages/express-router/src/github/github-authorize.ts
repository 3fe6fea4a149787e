import { toOAuthError } from '@gatehouse/core';
import { readQuery, type Params } from '../http/read-params.js';
import { noteCaller } from '../observe/observation.js';
import { writeErrorPage, writeOutcome } from '../routes/authorize.js';
import type { Route, RouteContext } from '../routes/route.js';
import { githubScopeParameter, githubScopes } from './github-scopes.js';

/**
 * GitHub's authorization parameters as a code-flow request: `scope` comma- or space-separated,
 * `login` as `login_hint`; `response_type` is always `code` (GitHub has no other) and
 * `allow_signup` has no meaning here. PKCE and `prompt` pass through.
 */
function toAuthorizeParams(query: Params): Params {
  const { client_id, redirect_uri, state, login, code_challenge, code_challenge_method, prompt } = query;
  return {
    response_type: 'code',
    client_id,
    redirect_uri,
    state,
    scope: githubScopeParameter(query['scope']),
    login_hint: login,
    code_challenge,
    code_challenge_method,
    prompt,
  };
}

/**
 * GET /login/oauth/authorize: the core's authorization endpoint with GitHub's scopes accepted and
 * `redirect_uri` optional when the application has exactly one. The outcome (login, consent,
 * redirect) is written by the same writer as `/application/o/authorize/`.
 */
export function githubAuthorizeRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let query: Params;
    try {
      query = readQuery(req);
    } catch (error) {
      return writeErrorPage(res, toOAuthError(error), requestId);
    }
    noteCaller(res, query, undefined);
    const session = (await context.options.currentUser(req)) ?? null;
    const outcome = await context.server.authorize({ params: toAuthorizeParams(query), session, requestId, extraScopes: githubScopes, defaultRedirectUri: true });
    writeOutcome(context, req, res, outcome, requestId);
  };
}
