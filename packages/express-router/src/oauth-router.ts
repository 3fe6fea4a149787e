import type { RequestHandler } from 'express';
import { OAuthError, errorResponse, toOAuthError, type AuthorizationServer } from '@gatehouse/core';
import { githubRoutes } from './github/github-routes.js';
import { preflightRoute, type CorsPolicy } from './http/cors.js';
import { createRateLimits } from './http/rate-limits.js';
import { requestIdOf } from './http/request-id.js';
import { writeJson } from './http/write-response.js';
import type { OAuthRouterOptions } from './router-options.js';
import { authorizePath, authorizeRoute, consentPath, consentRoute, resumePath, resumeRoute } from './routes/authorize.js';
import { applicationRootRoute, discoveryRoute, jwksRoute } from './routes/metadata.js';
import { endSessionConfirmPattern, endSessionConfirmRoute, endSessionPattern, endSessionRoute } from './routes/end-session.js';
import type { Route, RouteContext } from './routes/route.js';
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

/** The routes of a path by method; `any` answers the methods the others do not list. */
type Methods = Partial<Record<'GET' | 'POST' | 'OPTIONS' | 'any', Route>>;

/** `methods` plus the CORS preflight (`OPTIONS`) of `policy`. */
function withPreflight(context: RouteContext, policy: CorsPolicy, methods: Methods): Methods {
  const allow = [...Object.keys(methods).filter((method) => method !== 'any'), 'OPTIONS'].join(', ');
  return { ...methods, OPTIONS: preflightRoute(context.server, policy, allow) };
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
export function oauthRouter(server: AuthorizationServer, options: OAuthRouterOptions): RequestHandler {
  const context: RouteContext = { server, options };
  const authorize = authorizeRoute(context);
  const userinfo = userinfoRoute(context);
  // Browser-callable endpoints (DESIGN.md §7): CORS for registered origins, limits per client.
  const limits = options.rateLimits === false ? null : createRateLimits(options.rateLimits);
  const api = (endpoint: FormEndpointName, handler: Parameters<typeof formEndpointRoute>[0]) =>
    withPreflight(context, 'registered', { POST: formEndpointRoute(handler, formGuard(context, endpoint, limits)) });
  const publicPreflight = preflightRoute(server, 'public', 'GET, OPTIONS');
  const fixed = new Map<string, Methods>([
    [authorizePath, { GET: authorize, POST: authorize }],
    [resumePath, { GET: resumeRoute(context) }],
    [consentPath, { POST: consentRoute(context) }],
    ['/application/o/token', api('token', server.token)],
    ['/application/o/revoke', api('revocation', server.revoke)],
    ['/application/o/introspect', api('introspection', server.introspect)],
    ['/application/o/device', api('device', server.deviceAuthorization)],
    [devicePath, { GET: deviceFormRoute(context), POST: deviceSubmitRoute(context) }],
    [deviceConsentPath, { POST: deviceConsentRoute(context) }],
    ['/application/o/userinfo', withPreflight(context, 'registered', { GET: userinfo, POST: userinfo })],
  ]);
  // A bare Route answers GET only.
  const perApplication: readonly [RegExp, (slug: string) => Route | Methods][] = [
    [/^\/application\/o\/([^/]+)\/\.well-known\/openid-configuration$/, (slug) => ({ GET: discoveryRoute(context, slug), OPTIONS: publicPreflight })],
    // RFC 8414 §3.1: the well-known segment goes between host and issuer path.
    [/^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/application\/o\/([^/]+)$/, (slug) => ({ GET: discoveryRoute(context, slug), OPTIONS: publicPreflight })],
    [/^\/application\/o\/([^/]+)\/jwks$/, (slug) => ({ GET: jwksRoute(context, slug), OPTIONS: publicPreflight })],
    [endSessionPattern, (slug) => { const route = endSessionRoute(context, slug); return { GET: route, POST: route }; }],
    [endSessionConfirmPattern, (slug) => ({ POST: endSessionConfirmRoute(context, slug) })],
    [/^\/application\/o\/([^/]+)$/, applicationRootRoute],
  ];

  // GitHub-compatible authorize, token and user API (DESIGN.md §5), unless switched off.
  // Its token endpoint shares the token endpoint's rate limits; GitHub's has no CORS, nor has this one.
  const github = options.github === false ? null : githubRoutes(context, options.github, formGuard(context, 'token', limits, false));

  const resolve = (path: string): Methods | null => {
    const methods = fixed.get(path) ?? github?.(path);
    if (methods) return methods;
    for (const [pattern, route] of perApplication) {
      const slug = pattern.exec(path)?.[1];
      if (slug === undefined) continue;
      try {
        const built = route(decodeSlug(slug));
        return typeof built === 'function' ? { GET: built } : built;
      } catch {
        return null;
      }
    }
    return null;
  };

  return async function gatehouse(req, res, next) {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    const methods = resolve(path);
    if (!methods) return next();
    const requestId = requestIdOf(req, res);
    const route = methods[req.method === 'HEAD' ? 'GET' : (req.method as 'GET' | 'POST' | 'OPTIONS')] ?? methods.any;
    if (!route) {
      res.setHeader('Allow', Object.keys(methods).join(', '));
      return writeJson(res, errorResponse(new OAuthError('invalid_request', `${req.method} is not allowed here`, { status: 405 }), requestId));
    }
    try {
      await route(req, res, requestId);
    } catch (error) {
      const oauthError = toOAuthError(error);
      options.logger?.error({ requestId, err: error, detail: oauthError.detail }, 'request failed');
      if (!res.headersSent) writeJson(res, errorResponse(oauthError, requestId));
      else res.destroy();
    }
  };
}
