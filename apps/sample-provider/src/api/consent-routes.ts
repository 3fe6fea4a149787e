import { z } from 'zod';
import { requireApplication, requireUser } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiRoute } from './api-route.js';
import { applicationSlugs } from './application-slugs.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';
import { usernameParams } from './user-routes.js';

const consentSchema = z.object({
  application: z.string().nullable().describe('The slug of the application; null when it is gone.'),
  scopes: z.array(z.string()),
  expires_at: z.int().nullable().describe('Epoch seconds; null for consent that does not expire.'),
});

/** The remembered consents of a user: list, revoke (the next authorization asks again). */
export const consentRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/users/{username}/consents',
    operationId: 'listConsents',
    summary: 'List the consents a user gave that have not expired',
    tag: 'users',
    params: usernameParams,
    query: pageQuerySchema,
    response: pageSchema(consentSchema),
    async handle({ params, query, api }) {
      const user = await requireUser(api.stores, params.username);
      const consents = await api.stores.consents.listByUser(user.id, api.clock.now());
      const slugs = await applicationSlugs(api.stores, consents.map((consent) => consent.applicationId));
      const named = consents.map((consent) => ({ ...consent, slug: slugs.get(consent.applicationId) ?? null }));
      return pageOf(
        named.sort((a, b) => ((a.slug ?? '') < (b.slug ?? '') ? -1 : 1)),
        query,
        (consent) => ({ application: consent.slug, scopes: [...consent.scopes], expires_at: consent.expiresAt }),
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/{username}/consents/{slug}',
    operationId: 'revokeConsent',
    summary: 'Forget the consent of a user for an application: the next authorization asks again',
    tag: 'users',
    params: usernameParams.extend({ slug: z.string().min(1).max(200) }),
    async handle({ params, api }) {
      const user = await requireUser(api.stores, params.username);
      const application = await requireApplication(api.stores, params.slug);
      if (!(await api.stores.consents.delete(user.id, application.id))) throw new ApiError(404, 'not_found', `${params.username} has no consent for ${params.slug}`);
    },
  }),
];
