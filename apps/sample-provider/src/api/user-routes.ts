import { z } from 'zod';
import { createUser, newPasswordSchema, parseInput, requireUser, setPassword, userSettingsSchema, userView, userViewSchema } from '../admin/index.js';
import { putUser } from '../admin/put-user.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { pageFrom, pageQuerySchema, pageSchema, readCursor } from './page.js';

export const usernameParams = z.object({ username: z.string().min(1).max(256) });

/** Writers of one user take turns: a read-modify-write (or a check for the name in use) must not interleave with another. */
export const userLock = (username: string) => ({ exclusive: `gatehouse:user:${username}` });

const { name, email, email_verified, groups, attributes, is_active } = userSettingsSchema.shape;
// Each field optional and without its default: what is left out stays as it is.
const userPatchSchema = z.strictObject({
  name: name.unwrap().optional(),
  email: email.unwrap().optional(),
  email_verified: email_verified.unwrap().optional(),
  groups: groups.unwrap().optional(),
  attributes: attributes.unwrap().optional(),
  is_active: is_active.unwrap().optional().describe('false deactivates the user: no sign-in, and their tokens stop working.'),
});

const userQuery = pageQuerySchema.extend({
  search: z.string().min(1).max(256).optional().describe('A part of the username, name or email, in any case.'),
  group: z.string().min(1).max(256).optional().describe('Only the members of this group.'),
});

/** Users: list with search, create, show, update (deactivate too), set a password. */
export const userRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users by username, optionally searched or of one group',
    tag: 'users',
    query: userQuery,
    response: pageSchema(userViewSchema),
    async handle({ query, api }) {
      const after = readCursor(query.cursor, z.string());
      const users = await api.stores.users.list({
        ...(query.search !== undefined ? { search: query.search } : {}),
        ...(query.group !== undefined ? { group: query.group } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: query.limit + 1,
      });
      return pageFrom(users, query.limit, (last) => last.username, userView);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user (without a password they cannot sign in until one is set)',
    tag: 'users',
    body: userSettingsSchema.extend({ password: newPasswordSchema.optional() }),
    status: 201,
    response: userViewSchema,
    handle: async ({ body, api }) => userView(await api.stores.transaction((tx) => createUser(tx, body), userLock(body.username))),
  }),
  defineRoute({
    method: 'get',
    path: '/users/{username}',
    operationId: 'getUser',
    summary: 'Show a user',
    tag: 'users',
    params: usernameParams,
    response: userViewSchema,
    handle: async ({ params, api }) => userView(await requireUser(api.stores, params.username)),
  }),
  defineRoute({
    method: 'patch',
    path: '/users/{username}',
    operationId: 'updateUser',
    summary: 'Change some fields of a user; is_active=false deactivates them',
    tag: 'users',
    params: usernameParams,
    body: userPatchSchema,
    response: userViewSchema,
    handle: ({ params, body, api }) =>
      api.stores.transaction(
        async (tx) => {
          const user = await requireUser(tx, params.username);
          const { id: _id, has_password: _hasPassword, ...current } = userView(user);
          const settings = parseInput(userSettingsSchema, { ...current, ...body });
          return userView(await putUser(tx, settings, user.id, user));
        },
        userLock(params.username),
      ),
  }),
  defineRoute({
    method: 'put',
    path: '/users/{username}/password',
    operationId: 'setUserPassword',
    summary: 'Set the password of a user',
    tag: 'users',
    params: usernameParams,
    body: z.object({ password: newPasswordSchema }),
    async handle({ params, body, api }) {
      await setPassword(api.stores, params.username, body.password);
    },
  }),
];
