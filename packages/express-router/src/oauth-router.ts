import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import parseurl from 'parseurl';
import { OAuthError, errorResponse, toOAuthError, type AuthorizationServer } from '@gatehouse/core';
import { githubRoutes } from './github/github-routes.js';
import { preflightRoute, type CorsPolicy } from './http/cors.js';
import { createRateLimits } from './http/rate-limits.js';
import { requestIdOf } from './http/request-id.js';
import { writeJson } from './http/write-response.js';
import { finishObservation, noteOutcome, startObservation } from './observe/observation.js';
import type { EndpointName } from './observe/request-record.js';
import type { OAuthRouterOptions } from './router-options.js';
import { authorizePath, authorizeRoute, consentPath, consentRoute, resumePath, resumeRoute } from './routes/authorize.js';
import { applicationRootRoute, discoveryRoute, jwksRoute } from './routes/metadata.js';
import { endSessionConfirmPattern, endSessionConfirmRoute, endSessionPattern, endSessionRoute } from './routes/end-session.js';
import type { Endpoint, Methods, RouteContext } from './routes/route.js';
import { formEndpointRoute } from './routes/form-endpoint.js';
import { formGuard, type FormEndpointName } from './routes/form-guard.js';
import { deviceConsentRoute, deviceFormRoute, deviceSubmitRoute } from './routes/device-page.js';
import { deviceConsentPath, devicePath } from './routes/write-device-outcome.js';
import { userinfoRoute } from './routes/userinfo.js';

/**
 * A slug from the path, percent-decoded. A malformed escape (`%zz`, invalid UTF-8) or one that
 * decodes to a control character (`%00`, which PostgreSQL refuses in a lookup) stays as it is:
 * slugs never contain `%`, so the route answers that no application has it (a JSON 404 from
 * discovery and JWKS, an error page from end-session) instead of the host's own 404 page.
 */
function decodeSlug(slug: string): string {
  try {
    const decoded = decodeURIComponent(slug);
    return /[\x00-\x1f\x7f]/.test(decoded) ? slug : decoded;
  } catch {
    return slug;
  }
}

/** `methods` plus the CORS preflight (`OPTIONS`) of `policy`. */
function withPreflight(context: RouteContext, policy: CorsPolicy, methods: Methods): Methods {
  const allow = [...Object.keys(methods).filter((method) => method !== 'any'), 'OPTIONS'].join(', ');
  return { ...methods, OPTIONS: preflightRoute(context.server, policy, allow) };
}

/**
 * The path of a request without its query and trailing slashes (they are optional), read by
 * `parseurl` as Express reads `req.path` (it caches the parse on the request for Express too).
 */
function pathOf(req: IncomingMessage): string {
  const path = parseurl(req)?.pathname ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The router: an Express middleware, and the same endpoints for node:http without Express. */
export interface OAuthRouter extends RequestHandler {
  /**
   * The endpoints that never need a browser session (token, revocation, introspection, device
   * authorization, userinfo, discovery, JWKS, GitHub's token endpoint and user API) straight on
   * `node:http`, ahead of any framework (DESIGN.md §8); every other request goes to `next`:
   * `http.createServer((req, res) => router.serveApi(req, res, () => app(req, res)))`, with the
   * same router also mounted in `app` for the pages.
   */
  serveApi(req: IncomingMessage, res: ServerResponse, next: () => void): void;
}

/**
 * The Gatehouse endpoints as one Express middleware (DESIGN.md §5). It dispatches by exact path
 * itself, one Map lookup per request, instead of a chain of Express routes: the token endpoint is
 * the hot path. Paths it does not own go to `next()`. Trailing slashes are optional.
 *
 * @example
 * import express from 'express';
 * import { createAuthorizationServer, memoryStores, memoryCodeCache } from '@gatehouse/core';
 * import { oauthRouter } from '@gatehouse/express-router';
 *
 * const server = createAuthorizationServer({ baseUrl: 'http://localhost:9000', stores: memoryStores(), codes: memoryCodeCache() });
 * const app = express();
 * app.use(oauthRouter(server, { currentUser: (req) => req.session?.user, loginUrl: '/login' }));
 * app.listen(9000);
 */
export function oauthRouter(server: AuthorizationServer, options: OAuthRouterOptions): OAuthRouter {
  const context: RouteContext = { server, options };
  const authorize = authorizeRoute(context);
  const userinfo = userinfoRoute(context);
  // Browser-callable endpoints (DESIGN.md §7): CORS for registered origins, limits per client.
  const limits = options.rateLimits === false ? null : createRateLimits(options.rateLimits);
  const page = (name: EndpointName, methods: Methods): Endpoint => ({ name, methods, page: true });
  const api = (name: EndpointName, methods: Methods): Endpoint => ({ name, methods, page: false });
  const form = (endpoint: FormEndpointName, name: EndpointName, handler: Parameters<typeof formEndpointRoute>[0]) =>
    api(name, withPreflight(context, 'registered', { POST: formEndpointRoute(handler, formGuard(context, endpoint, limits)) }));
  const publicPreflight = preflightRoute(server, 'public', 'GET, OPTIONS');
  const fixed = new Map<string, Endpoint>([
    [authorizePath, page('authorize', { GET: authorize, POST: authorize })],
    [resumePath, page('authorize_resume', { GET: resumeRoute(context) })],
    [consentPath, page('authorize_consent', { POST: consentRoute(context) })],
    ['/application/o/token', form('token', 'token', server.token)],
    ['/application/o/revoke', form('revocation', 'revocation', server.revoke)],
    ['/application/o/introspect', form('introspection', 'introspection', server.introspect)],
    ['/application/o/device', form('device', 'device_authorization', server.deviceAuthorization)],
    [devicePath, page('device_verification', { GET: deviceFormRoute(context), POST: deviceSubmitRoute(context) })],
    [deviceConsentPath, page('device_consent', { POST: deviceConsentRoute(context) })],
    ['/application/o/userinfo', api('userinfo', withPreflight(context, 'registered', { GET: userinfo, POST: userinfo }))],
  ]);
  const perApplication: readonly [RegExp, (slug: string) => Endpoint][] = [
    [/^\/application\/o\/([^/]+)\/\.well-known\/openid-configuration$/, (slug) => api('discovery', { GET: discoveryRoute(context, slug), OPTIONS: publicPreflight })],
    // RFC 8414 §3.1: the well-known segment goes between host and issuer path.
    [/^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/application\/o\/([^/]+)$/, (slug) => api('discovery', { GET: discoveryRoute(context, slug), OPTIONS: publicPreflight })],
    [/^\/application\/o\/([^/]+)\/jwks$/, (slug) => api('jwks', { GET: jwksRoute(context, slug), OPTIONS: publicPreflight })],
    [endSessionPattern, (slug) => { const route = endSessionRoute(context, slug); return page('end_session', { GET: route, POST: route }); }],
    [endSessionConfirmPattern, (slug) => page('end_session_confirm', { POST: endSessionConfirmRoute(context, slug) })],
    // It redirects relative to where Express mounted the router.
    [/^\/application\/o\/([^/]+)$/, (slug) => page('application', { GET: applicationRootRoute(slug) })],
  ];

  // GitHub-compatible authorize, token and user API (DESIGN.md §5), unless switched off.
  // Its token endpoint shares the token endpoint's rate limits; GitHub's has no CORS, nor has this one.
  const github = options.github === false ? null : githubRoutes(context, options.github, formGuard(context, 'token', limits, false));

  const resolve = (path: string): Endpoint | null => {
    const endpoint = fixed.get(path) ?? github?.(path);
    if (endpoint) return endpoint;
    for (const [pattern, route] of perApplication) {
      const slug = pattern.exec(path)?.[1];
      if (slug === undefined) continue;
      try {
        return route(decodeSlug(slug));
      } catch {
        return null;
      }
    }
    return null;
  };

  const observer = options.onResponse;
  const dispatch = async (req: IncomingMessage, res: ServerResponse, next: () => void, pages: boolean): Promise<void> => {
    const endpoint = resolve(pathOf(req));
    if (!endpoint || (endpoint.page && !pages)) return next();
    const { methods } = endpoint;
    const requestId = requestIdOf(req, res);
    const startedAt = observer === undefined ? 0 : performance.now();
    const observation = observer === undefined ? undefined : startObservation(res, requestId, req.method ?? 'GET', endpoint.name);
    const route = methods[req.method === 'HEAD' ? 'GET' : (req.method as 'GET' | 'POST' | 'OPTIONS')] ?? methods.any;
    if (!route) {
      res.setHeader('Allow', Object.keys(methods).join(', '));
      writeJson(res, errorResponse(new OAuthError('invalid_request', `${req.method} is not allowed here`, { status: 405 }), requestId));
    } else {
      try {
        // Page routes are reached only from Express (`pages`), so `req` is Express's there.
        await route(req as Request, res as Response, requestId);
      } catch (error) {
        const oauthError = toOAuthError(error);
        options.logger?.error({ requestId, err: error, detail: oauthError.detail }, 'request failed');
        if (!res.headersSent) writeJson(res, errorResponse(oauthError, requestId));
        else {
          noteOutcome(res, oauthError.code);
          res.destroy();
        }
      }
    }
    if (observer === undefined || observation === undefined) return;
    try {
      observer(finishObservation(observation, res, startedAt));
    } catch (error) {
      options.logger?.error({ requestId, err: error }, 'onResponse failed');
    }
  };
  // Express strips the mount path from `req.url`, so both read the path the same way.
  const middleware: RequestHandler = (req, res, next) => dispatch(req, res, next, true);
  return Object.assign(middleware, { serveApi: (req: IncomingMessage, res: ServerResponse, next: () => void) => void dispatch(req, res, next, false) });
}
