import { errorResponse, toOAuthError } from '@gatehouse/core';
import { allowRegisteredOrigin } from '../http/cors.js';
import { readForm } from '../http/read-params.js';
import { writeJson } from '../http/write-response.js';
import type { ApiRoute, RouteContext } from './route.js';

/**
 * GET/POST /application/o/userinfo/ (OIDC Core §5.3.1). CORS: any application's registered
 * origin, since the bearer token, not the request, says which client calls.
 */
export function userinfoRoute({ server }: RouteContext): ApiRoute {
  return async (req, res, requestId) => {
    await allowRegisteredOrigin(server, req, res).catch(() => undefined);
    try {
      const params = req.method === 'POST' ? await readForm(req) : {};
      writeJson(res, await server.userinfo({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      writeJson(res, errorResponse(toOAuthError(error), requestId));
    }
  };
}
