import { z } from 'zod';
import { requireApplication, updateApplication } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { applicationsLock, slugParams } from './application-routes.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';

// RFC 6749 §3.1.2 / OAuth 2.1 §7.5.1: script and data URLs are never places to send a code to.
const refusedSchemes = new Set(['javascript:', 'data:', 'vbscript:']);

const redirectUriSchema = z
  .object({
    url: z.string().min(1).max(2048).describe('An absolute URL (strict) or a pattern matched against the whole URI (regex).'),
    matching_mode: z.enum(['strict', 'regex']).default('strict'),
    type: z.enum(['authorization', 'logout']).default('authorization'),
  })
  .superRefine((uri, issues) => {
    if (uri.matching_mode === 'regex') {
      try {
        new RegExp(uri.url);
      } catch {
        issues.addIssue({ code: 'custom', path: ['url'], message: 'not a valid regular expression' });
      }
      return;
    }
    const parsed = URL.canParse(uri.url) ? new URL(uri.url) : null;
    if (!parsed) issues.addIssue({ code: 'custom', path: ['url'], message: 'not an absolute URL' });
    else if (refusedSchemes.has(parsed.protocol)) issues.addIssue({ code: 'custom', path: ['url'], message: `${parsed.protocol} URLs are refused` });
  });

type RedirectUri = z.output<typeof redirectUriSchema>;

const removalQuery = z.object({
  url: z.string().min(1).max(2048),
  type: z.enum(['authorization', 'logout']).default('authorization'),
});

const sameUri = (a: Pick<RedirectUri, 'url' | 'type'>) => (b: Pick<RedirectUri, 'url' | 'type'>) => a.url === b.url && a.type === b.type;

/** Reads and rewrites the list in one unit of work, one writer of applications at a time. */
function changeRedirectUris(api: ApiContext, slug: string, change: (current: RedirectUri[]) => RedirectUri[]) {
  return api.stores.transaction(
    async (tx) => {
      const application = await requireApplication(tx, slug);
      const current = application.redirectUris.map((uri) => ({ matching_mode: uri.matchingMode, url: uri.url, type: uri.type }));
      await updateApplication(tx, slug, { redirect_uris: change(current) });
    },
    applicationsLock,
  );
}

/** The redirect URIs of an application: list, add, remove. */
export const redirectUriRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/applications/{slug}/redirect-uris',
    operationId: 'listRedirectUris',
    summary: 'List the redirect URIs of an application',
    tag: 'applications',
    params: slugParams,
    query: pageQuerySchema,
    response: pageSchema(redirectUriSchema),
    async handle({ params, query, api }) {
      const application = await requireApplication(api.stores, params.slug);
      return pageOf(application.redirectUris, query, (uri) => ({ matching_mode: uri.matchingMode, url: uri.url, type: uri.type }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/applications/{slug}/redirect-uris',
    operationId: 'addRedirectUri',
    summary: 'Add a redirect URI (authorization or logout, strict or regex)',
    tag: 'applications',
    params: slugParams,
    body: redirectUriSchema,
    status: 201,
    response: redirectUriSchema,
    async handle({ params, body, api }) {
      await changeRedirectUris(api, params.slug, (current) => {
        if (current.some(sameUri(body))) throw new ApiError(409, 'conflict', `${body.url} is a ${body.type} redirect URI of ${params.slug} already`);
        return [...current, body];
      });
      return body;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/applications/{slug}/redirect-uris',
    operationId: 'removeRedirectUri',
    summary: 'Remove a redirect URI, named by its url and type',
    tag: 'applications',
    params: slugParams,
    query: removalQuery,
    async handle({ params, query, api }) {
      await changeRedirectUris(api, params.slug, (current) => {
        if (!current.some(sameUri(query))) throw new ApiError(404, 'not_found', `${query.url} is not a ${query.type} redirect URI of ${params.slug}`);
        return current.filter((uri) => !sameUri(query)(uri));
      });
    },
  }),
];
