import { errorResponse, toOAuthError } from '@gatehouse/core';
import { readForm } from '../http/read-params.js';
import { writeJson } from '../http/write-response.js';
import type { Route, RouteContext } from './route.js';

/** GET/POST /application/o/userinfo/ (OIDC Core §5.3.1). */
export function userinfoRoute({ server }: RouteContext): Route {
  return async (req, res, requestId) => {
    try {
      const params = req.method === 'POST' ? await readForm(req) : {};
      writeJson(res, await server.userinfo({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      writeJson(res, errorResponse(toOAuthError(error), requestId));
    }
  };
}
