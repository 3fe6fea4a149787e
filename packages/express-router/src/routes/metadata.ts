import type { EndpointResponse } from '@gatehouse/core';
import { writeJson, writeRedirect } from '../http/write-response.js';
import type { Route, RouteContext } from './route.js';

// Metadata and keys are public documents: any origin may read them (OIDC Discovery §4).
const withCors = (response: EndpointResponse): EndpointResponse => ({
  ...response,
  headers: { ...response.headers, 'access-control-allow-origin': '*' },
});

/** GET discovery of one application; the slug comes from the path. */
export function discoveryRoute({ server }: RouteContext, slug: string): Route {
  return async (_req, res, requestId) => writeJson(res, withCors(await server.discovery({ slug, requestId })));
}

/** GET the JWKS of one application. */
export function jwksRoute({ server }: RouteContext, slug: string): Route {
  return async (_req, res, requestId) => writeJson(res, withCors(await server.jwks({ slug, requestId })));
}

/** GET /application/o/<slug>/ points at the discovery document, as authentik does. */
export function applicationRootRoute(slug: string): Route {
  return async (req, res) => writeRedirect(res, `${req.baseUrl}/application/o/${encodeURIComponent(slug)}/.well-known/openid-configuration`);
}
