import type { IncomingMessage } from 'node:http';
import type { EndpointResponse } from '@gatehouse/core';
import { writeJson, writeRedirect } from '../http/write-response.js';
import type { ApiRoute, Route, RouteContext } from './route.js';

// Metadata and keys are public documents: any origin may read them (OIDC Discovery §4).
const withCors = (response: EndpointResponse): EndpointResponse => ({
  ...response,
  headers: { ...response.headers, 'access-control-allow-origin': '*' },
});

// RFC 9110 §13.1.2: a client holding the current version gets 304.
const ifNoneMatch = (req: IncomingMessage) => (req.headers['if-none-match'] !== undefined ? { ifNoneMatch: req.headers['if-none-match'] } : {});

/** GET discovery of one application; the slug comes from the path. */
export function discoveryRoute({ server }: RouteContext, slug: string): ApiRoute {
  return async (req, res, requestId) => writeJson(res, withCors(await server.discovery({ slug, requestId, ...ifNoneMatch(req) })));
}

/** GET the JWKS of one application. */
export function jwksRoute({ server }: RouteContext, slug: string): ApiRoute {
  return async (req, res, requestId) => writeJson(res, withCors(await server.jwks({ slug, requestId, ...ifNoneMatch(req) })));
}

/** GET /application/o/<slug>/ points at the discovery document, as authentik does. */
export function applicationRootRoute(slug: string): Route {
  return async (req, res) => writeRedirect(res, `${req.baseUrl}/application/o/${encodeURIComponent(slug)}/.well-known/openid-configuration`);
}
