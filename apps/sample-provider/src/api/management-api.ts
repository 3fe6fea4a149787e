import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { builtInScopeMappings, type AuthorizationServer, type Clock, type ScopeMapping } from '@gatehouse/core';
import { csrfToken, requestIdOf } from '@gatehouse/express-router';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ApiError, toApiError } from './api-error.js';
import type { ApiRoute } from './api-route.js';
import { apiRoutes } from './api-routes.js';
import { authenticateAdministrator } from './authenticate-administrator.js';
import { nulCharacterPath } from './nul-character-path.js';
import { writeApiError } from './write-api-error.js';

export interface ManagementApiOptions {
  readonly server: AuthorizationServer;
  readonly clock: Clock;
  /** Members of this group may use the API (ADMIN_GROUP, `admins` by default). */
  readonly adminGroup: string;
  /** The mappings given to the server (core's built-in ones come first, later ones win by name). */
  readonly scopeMappings: readonly ScopeMapping[];
  /** PUBLIC_URL: the OpenAPI document names `<publicUrl>/api/v1` as its server. */
  readonly publicUrl: string;
  /** The name of the browser session's cookie, for the OpenAPI document. */
  readonly sessionCookie: string;
  readonly logger: Logger;
}

const json = express.json({ limit: '100kb' });

/** express.json, run only once the caller is known; what it refuses (bad JSON, too large, a charset) is a 4xx. */
function readJson(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) =>
    json(req, res, (error?: unknown) => {
      if (!error) return resolve(req.body);
      const status = (error as { status?: unknown }).status;
      const refused = typeof status === 'number' && status >= 400 && status < 500;
      reject(refused ? new ApiError(status, 'invalid_request', `the body is not acceptable JSON: ${(error as Error).message}`) : error);
    }),
  );
}

function check<S extends z.ZodType>(schema: S, value: unknown, where: 'path' | 'query' | 'body'): z.output<S> {
  const nul = nulCharacterPath(value, where);
  if (nul !== null) throw new ApiError(400, 'invalid_request', `${nul}: no NUL characters`, [{ path: nul, message: 'no NUL characters' }]);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new ApiError(400, 'invalid_request', issues.map(({ path, message }) => `${path}: ${message}`).join('; '), issues);
}

// `/applications/{slug}` → `/applications/:slug`
const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function handlerOf(route: ApiRoute, options: ManagementApiOptions, apiUrl: string): RequestHandler {
  const stores = options.server.stores;
  const scopeMappings = [...builtInScopeMappings, ...options.scopeMappings];
  const policy = { server: options.server, stores, clock: options.clock, adminGroup: options.adminGroup };
  return async (req, res) => {
    const requestId = requestIdOf(req, res);
    try {
      const actor = route.authenticated ? await authenticateAdministrator(req, policy, requestId) : null;
      const params = check(route.params, req.params, 'path');
      const query = check(route.query, req.query, 'query');
      let body: unknown;
      if (route.body) {
        if (!req.is('application/json')) throw new ApiError(415, 'invalid_request', 'the body must be JSON (Content-Type: application/json)');
        body = check(route.body, await readJson(req, res), 'body');
      }
      const api = {
        stores,
        server: options.server,
        clock: options.clock,
        scopeMappings,
        requestId,
        apiUrl,
        sessionCookie: options.sessionCookie,
        csrfToken: () => csrfToken(req, res),
      };
      const result = await route.handle({ params, query, body, api });
      // Discovery documents and CORS origins are derived from applications: this process sees a change at once.
      if (route.tag === 'applications' && route.method !== 'get') options.server.applicationsChanged();
      if (actor && route.method !== 'get') {
        // The audit trail names the operation and its target, never the body (secrets, passwords).
        await stores.events.record({ action: 'admin_operation', at: options.clock.now(), userId: actor.id, requestId, context: { operation: route.operationId, target: params } });
      }
      res.set('Cache-Control', 'no-store');
      if (route.status === 204) res.status(204).end();
      else res.status(route.status).json(result);
    } catch (error) {
      const refusal = toApiError(error);
      if (refusal.status >= 500) options.logger[refusal.status === 503 ? 'warn' : 'error']({ err: error, requestId, operation: route.operationId }, 'management API error');
      writeApiError(res, refusal, requestId);
    }
  };
}

/**
 * The management API (mount it at `/api/v1`, after the browser session middleware): every
 * operation of the route table, JSON in and out, with the OpenAPI document at `/openapi.json`.
 *
 * @example
 * app.use(...browserSession);
 * app.use('/api/v1', managementApi({ server, clock, adminGroup: 'admins', scopeMappings, publicUrl, sessionCookie: 'gatehouse.sid', logger }));
 */
export function managementApi(options: ManagementApiOptions): Router {
  const router = express.Router({ strict: false });
  const apiUrl = `${options.publicUrl}/api/v1`;
  for (const route of apiRoutes) router[route.method](expressPath(route.path), handlerOf(route, options, apiUrl));
  router.use((req, res) => writeApiError(res, new ApiError(404, 'not_found', `no operation ${req.method} ${req.path} in this API`), requestIdOf(req, res)));
  return router;
}
