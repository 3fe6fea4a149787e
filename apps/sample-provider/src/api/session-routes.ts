import { z } from 'zod';
import { defineRoute, type ApiRoute } from './api-route.js';

/** For the browser session of an administrator: the token unsafe requests send as `X-CSRF-Token`. */
export const sessionRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/csrf-token',
    operationId: 'getCsrfToken',
    summary: 'The CSRF token a signed-in administrator sends as X-CSRF-Token with POST, PUT, PATCH and DELETE',
    tag: 'session',
    response: z.object({ csrf_token: z.string() }),
    handle: async ({ api }) => ({ csrf_token: api.csrfToken() }),
  }),
];
