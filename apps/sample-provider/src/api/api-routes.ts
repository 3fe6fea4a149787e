import { z } from 'zod';
import { appPasswordRoutes } from './app-password-routes.js';
import { applicationRoutes } from './application-routes.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { consentRoutes } from './consent-routes.js';
import { eventRoutes } from './event-routes.js';
import { grantRoutes } from './grant-routes.js';
import { groupRoutes } from './group-routes.js';
import { keyRoutes } from './key-routes.js';
import { openApiDocument } from './openapi-document.js';
import { redirectUriRoutes } from './redirect-uri-routes.js';
import { scopeMappingRoutes } from './scope-mapping-routes.js';
import { sessionRoutes } from './session-routes.js';
import { userRoutes } from './user-routes.js';

const operations: readonly ApiRoute[] = [
  ...applicationRoutes,
  ...redirectUriRoutes,
  ...scopeMappingRoutes,
  ...userRoutes,
  ...groupRoutes,
  ...appPasswordRoutes,
  ...consentRoutes,
  ...grantRoutes,
  ...keyRoutes,
  ...eventRoutes,
  ...sessionRoutes,
];

// Built once per server URL: the routes and their schemas do not change while the process runs.
const documents = new Map<string, ReturnType<typeof openApiDocument>>();

/**
 * Every operation of the management API: what the router mounts and what the OpenAPI document
 * (the last entry, served without authentication) describes.
 */
export const apiRoutes: readonly ApiRoute[] = [
  ...operations,
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'meta',
    authenticated: false,
    response: z.record(z.string(), z.unknown()),
    async handle({ api }) {
      const key = `${api.apiUrl}\u0000${api.sessionCookie}`;
      let document = documents.get(key);
      if (!document) documents.set(key, (document = openApiDocument(apiRoutes, { serverUrl: api.apiUrl, sessionCookie: api.sessionCookie })));
      return document;
    },
  }),
];
