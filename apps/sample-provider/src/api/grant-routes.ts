import { revokeGrant } from '@gatehouse/core';
import { z } from 'zod';
import { epochSecondsSchema, requireUser } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { applicationSlugs } from './application-slugs.js';
import { pageFrom, pageQuerySchema, pageSchema, readCursor } from './page.js';
import { usernameParams } from './user-routes.js';

const grantSchema = z.object({
  id: z.string(),
  application: z.string().nullable().describe('The slug of the application; null when it is gone.'),
  scopes: z.array(z.string()),
  created_at: z.int().describe('Epoch seconds.'),
  auth_time: z.int().describe('When the user authenticated, epoch seconds.'),
});

const position = z.object({ createdAt: epochSecondsSchema, id: z.string() });

/**
 * The grants of a user (an authorization and every token minted from it): list the live ones,
 * revoke one with all its access and refresh tokens.
 */
export const grantRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/users/{username}/grants',
    operationId: 'listGrants',
    summary: 'List the grants of a user that are not revoked, newest first',
    tag: 'users',
    params: usernameParams,
    query: pageQuerySchema,
    response: pageSchema(grantSchema),
    async handle({ params, query, api }) {
      const user = await requireUser(api.stores, params.username);
      const before = readCursor(query.cursor, position);
      const grants = await api.stores.grants.listByUser(user.id, { limit: query.limit + 1, ...(before ? { before } : {}) });
      const slugs = await applicationSlugs(api.stores, grants.map((grant) => grant.applicationId));
      return pageFrom(grants, query.limit, ({ createdAt, id }) => ({ createdAt, id }), (grant) => ({
        id: grant.id,
        application: slugs.get(grant.applicationId) ?? null,
        scopes: [...grant.scopes],
        created_at: grant.createdAt,
        auth_time: grant.authTime,
      }));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/{username}/grants/{id}',
    operationId: 'revokeGrant',
    summary: 'Revoke a grant of a user, and every access and refresh token minted from it',
    tag: 'users',
    params: usernameParams.extend({ id: z.string().min(1).max(256) }),
    async handle({ params, api }) {
      const user = await requireUser(api.stores, params.username);
      const grant = await api.stores.grants.find(params.id);
      if (!grant || grant.userId !== user.id || grant.revokedAt !== null) throw new ApiError(404, 'not_found', `${params.username} has no live grant ${params.id}`);
      await revokeGrant(api, grant.id, { action: 'revoked_by_administrator', applicationId: grant.applicationId, requestId: api.requestId, suspicious: false });
    },
  }),
];
