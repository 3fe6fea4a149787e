import { z } from 'zod';
import {
  applicationPatchSchema,
  applicationSettingsSchema,
  applicationView,
  deleteApplication,
  registerApplication,
  requireApplication,
  rotateClientSecret,
  updateApplication,
  type RegisteredApplication,
} from '../admin/index.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { pageFrom, pageQuerySchema, pageSchema, readCursor } from './page.js';

/** An application as the API shows it: its settings in the seed file's shape, never its secret. */
export const applicationViewSchema = applicationSettingsSchema
  .omit({ client_secret: true })
  .extend({ id: z.string(), has_client_secret: z.boolean().describe('Whether a client secret is set (it is never shown again).') });

const withSecretSchema = z.object({
  application: applicationViewSchema,
  client_secret: z.string().optional().describe('A generated client secret: shown in this response only.'),
});

export const slugParams = z.object({ slug: z.string().min(1).max(200) });

/**
 * Writers of applications take turns (across processes on PostgreSQL): a check for a slug or
 * client_id in use and the write after it must not interleave with another's, or the unique
 * index would refuse the second write with a database error instead of a 409.
 */
export const applicationsLock = { exclusive: 'gatehouse:applications' } as const;

const withSecret = ({ application, clientSecret }: RegisteredApplication) => ({
  application: applicationView(application),
  ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
});

/** Applications: list, register (credentials shown once), show, update, rotate the secret, delete. */
export const applicationRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/applications',
    operationId: 'listApplications',
    summary: 'List applications by slug',
    tag: 'applications',
    query: pageQuerySchema,
    response: pageSchema(applicationViewSchema),
    async handle({ query, api }) {
      const after = readCursor(query.cursor, z.string());
      // Few enough to read whole (the store lists them for the CORS index as well).
      const applications = (await api.stores.applications.list())
        .filter((application) => after === undefined || application.slug > after)
        .sort((a, b) => (a.slug < b.slug ? -1 : 1));
      return pageFrom(applications.slice(0, query.limit + 1), query.limit, (last) => last.slug, applicationView);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/applications',
    operationId: 'createApplication',
    summary: 'Register an application; a confidential client without client_secret gets one, shown once',
    tag: 'applications',
    body: applicationSettingsSchema,
    status: 201,
    response: withSecretSchema,
    handle: async ({ body, api }) => withSecret(await api.stores.transaction((tx) => registerApplication(tx, body), applicationsLock)),
  }),
  defineRoute({
    method: 'get',
    path: '/applications/{slug}',
    operationId: 'getApplication',
    summary: 'Show an application',
    tag: 'applications',
    params: slugParams,
    response: applicationViewSchema,
    handle: async ({ params, api }) => applicationView(await requireApplication(api.stores, params.slug)),
  }),
  defineRoute({
    method: 'patch',
    path: '/applications/{slug}',
    operationId: 'updateApplication',
    summary: 'Change some settings of an application (the slug and the secret stay)',
    tag: 'applications',
    params: slugParams,
    body: applicationPatchSchema,
    response: withSecretSchema,
    handle: async ({ params, body, api }) =>
      withSecret(await api.stores.transaction((tx) => updateApplication(tx, params.slug, body), applicationsLock)),
  }),
  defineRoute({
    method: 'post',
    path: '/applications/{slug}/rotate-secret',
    operationId: 'rotateApplicationSecret',
    summary: 'Give a confidential application a new generated secret, shown once; the old one stops working',
    tag: 'applications',
    params: slugParams,
    response: withSecretSchema.required({ client_secret: true }),
    async handle({ params, api }) {
      const { application, clientSecret } = await rotateClientSecret(api.stores, params.slug);
      return { application: applicationView(application), client_secret: clientSecret };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/applications/{slug}',
    operationId: 'deleteApplication',
    summary: 'Delete an application; its grants and tokens are revoked with it',
    tag: 'applications',
    params: slugParams,
    handle: ({ params, api }) => deleteApplication(api.stores, params.slug, api.clock),
  }),
];
