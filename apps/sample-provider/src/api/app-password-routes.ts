import type { AppPassword } from '@gatehouse/core';
import { z } from 'zod';
import { appPasswordSettingsSchema, createAppPassword, requireUser } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';
import { usernameParams } from './user-routes.js';

const appPasswordSchema = z.object({
  id: z.string(),
  name: z.string(),
  expires_at: z.int().nullable().describe('Epoch seconds; null for a password that does not expire.'),
});

const appPasswordView = (appPassword: AppPassword) => ({ id: appPassword.id, name: appPassword.name, expires_at: appPassword.expiresAt });

/** App passwords of a user: listed without their tokens, created with the token shown once, deleted. */
export const appPasswordRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/users/{username}/app-passwords',
    operationId: 'listAppPasswords',
    summary: 'List the app passwords of a user (never their tokens)',
    tag: 'users',
    params: usernameParams,
    query: pageQuerySchema,
    response: pageSchema(appPasswordSchema),
    async handle({ params, query, api }) {
      const user = await requireUser(api.stores, params.username);
      return pageOf(await api.stores.appPasswords.listByUser(user.id), query, appPasswordView);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/{username}/app-passwords',
    operationId: 'createAppPassword',
    summary: 'Generate an app password for a machine client of the user; the token is shown once, and one of the same name is replaced',
    tag: 'users',
    params: usernameParams,
    body: appPasswordSettingsSchema,
    status: 201,
    response: z.object({ app_password: appPasswordSchema, token: z.string().describe('Shown in this response only.') }),
    async handle({ params, body, api }) {
      const { appPassword, token } = await createAppPassword(api.stores, params.username, body, api.clock);
      return { app_password: appPasswordView(appPassword), token };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/{username}/app-passwords/{id}',
    operationId: 'deleteAppPassword',
    summary: 'Delete an app password; its token stops working',
    tag: 'users',
    params: usernameParams.extend({ id: z.string().min(1).max(256) }),
    async handle({ params, api }) {
      const user = await requireUser(api.stores, params.username);
      if (!(await api.stores.appPasswords.delete(user.id, params.id))) throw new ApiError(404, 'not_found', `${params.username} has no app password ${params.id}`);
    },
  }),
];
