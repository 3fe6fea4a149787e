import { z } from 'zod';
import { addUserToGroup, requireUser, userView, userViewSchema } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { pageFrom, pageOf, pageQuerySchema, pageSchema, readCursor } from './page.js';
import { userLock, usernameParams } from './user-routes.js';

const groupName = z.string().trim().min(1).max(256);
const groupSchema = z.object({ name: groupName });
const groupParams = z.object({ name: groupName });
const membershipParams = groupParams.extend(usernameParams.shape);

async function requireGroup(api: ApiContext, name: string): Promise<void> {
  if (!(await api.stores.users.listGroups()).includes(name)) throw new ApiError(404, 'not_found', `no group named ${name}`);
}

/** Groups: list, create, delete, and their members. */
export const groupRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/groups',
    operationId: 'listGroups',
    summary: 'List groups by name',
    tag: 'groups',
    query: pageQuerySchema,
    response: pageSchema(groupSchema),
    handle: async ({ query, api }) => pageOf(await api.stores.users.listGroups(), query, (name) => ({ name })),
  }),
  defineRoute({
    method: 'post',
    path: '/groups',
    operationId: 'createGroup',
    summary: 'Create an empty group',
    tag: 'groups',
    body: groupSchema,
    status: 201,
    response: groupSchema,
    async handle({ body, api }) {
      if (!(await api.stores.users.createGroup(body.name))) throw new ApiError(409, 'conflict', `a group named ${body.name} exists already`);
      return body;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/groups/{name}',
    operationId: 'deleteGroup',
    summary: 'Delete a group; its members leave it',
    tag: 'groups',
    params: groupParams,
    async handle({ params, api }) {
      if (!(await api.stores.users.deleteGroup(params.name))) throw new ApiError(404, 'not_found', `no group named ${params.name}`);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/groups/{name}/members',
    operationId: 'listGroupMembers',
    summary: 'List the members of a group by username',
    tag: 'groups',
    params: groupParams,
    query: pageQuerySchema,
    response: pageSchema(userViewSchema),
    async handle({ params, query, api }) {
      await requireGroup(api, params.name);
      const after = readCursor(query.cursor, z.string());
      const members = await api.stores.users.list({ group: params.name, ...(after !== undefined ? { after } : {}), limit: query.limit + 1 });
      return pageFrom(members, query.limit, (last) => last.username, userView);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/groups/{name}/members/{username}',
    operationId: 'addGroupMember',
    summary: 'Add a user to a group (the group is created when new); adding a member again changes nothing',
    tag: 'groups',
    params: membershipParams,
    response: userViewSchema,
    handle: async ({ params, api }) =>
      userView(await api.stores.transaction((tx) => addUserToGroup(tx, params.username, params.name), userLock(params.username))),
  }),
  defineRoute({
    method: 'delete',
    path: '/groups/{name}/members/{username}',
    operationId: 'removeGroupMember',
    summary: 'Remove a user from a group',
    tag: 'groups',
    params: membershipParams,
    handle: ({ params, api }) =>
      api.stores.transaction(
        async (tx) => {
          const user = await requireUser(tx, params.username);
          if (!user.groups.includes(params.name)) throw new ApiError(404, 'not_found', `${params.username} is not a member of ${params.name}`);
          await tx.users.save({ ...user, groups: user.groups.filter((group) => group !== params.name) });
        },
        userLock(params.username),
      ),
  }),
];
