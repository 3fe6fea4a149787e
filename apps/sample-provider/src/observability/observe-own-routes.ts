import type { Request, RequestHandler } from 'express';
import { outcomeOfStatus, requestIdOf } from '@gatehouse/express-router';
import type { ObservedRequest } from './observed-request.js';

/** The route pattern that answered (`/login`, `/api/v1/applications/:id`), never the raw path. */
function routeName(req: Request, status: number): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return req.baseUrl || (status === 404 ? 'not_found' : 'unrouted');
}

/**
 * Observes the requests the Gatehouse router leaves to the provider (its pages, health checks,
 * metrics): mounted right after the router, so every request is observed once. Each gets a
 * request id (`X-Request-Id`) too, as the router's responses do.
 */
export function observeOwnRoutes(observe: (request: ObservedRequest) => void): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    const requestId = requestIdOf(req, res);
    res.once('finish', () => {
      const status = res.statusCode;
      observe({ requestId, method: req.method, endpoint: routeName(req, status), status, outcome: outcomeOfStatus(status), durationMs: performance.now() - startedAt });
    });
    next();
  };
}
