import { errorResponse, toOAuthError } from '@gatehouse/core';
import { readForm } from '../http/read-params.js';
import { writeJson } from '../http/write-response.js';
import type { Route, RouteContext } from './route.js';

/** POST /application/o/token/ (RFC 6749 §3.2). */
export function tokenRoute({ server }: RouteContext): Route {
  return async (req, res, requestId) => {
    try {
      const params = await readForm(req);
      writeJson(res, await server.token({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      writeJson(res, errorResponse(toOAuthError(error), requestId));
    }
  };
}
