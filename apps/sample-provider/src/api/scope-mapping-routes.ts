import { builtInScopeMappings, reservedScopes, specialScopes, type ScopeMapping, type StoredScopeMapping, type Stores } from '@gatehouse/core';
import { z } from 'zod';
import { putScopeMapping, scopeMappingSettingsSchema, scopeTokenSchema } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';

const scopeMappingSchema = z.object({
  scope: z.string(),
  description: z.string().describe('What the consent page says about the scope.'),
  claims: z.array(z.string()).describe('The claims the mapping can add (as advertised in discovery).'),
  claim_paths: z
    .record(z.string(), z.string())
    .nullable()
    .describe('Of a stored mapping: claim name → user field path, as given when it was saved; null for mappings in code.'),
  special: z.boolean().describe('Granted only when asked for by name, never by default (gatehouse:api).'),
  source: z
    .enum(['built_in', 'configured', 'stored'])
    .describe('built_in: Gatehouse’s own; configured: in the provider’s code (GitHub scopes, gatehouse:api); stored: created through this API or a seed file. Only stored ones can be changed or deleted.'),
  updated_at: z.int().nullable().describe('Epoch seconds of the last change of a stored mapping; null for mappings in code.'),
});

type ScopeMappingView = z.input<typeof scopeMappingSchema>;

const scopeParams = z.object({ scope: scopeTokenSchema });
const changeSchema = scopeMappingSettingsSchema.omit({ scope: true });
const builtIn = new Set(builtInScopeMappings);
// One writer at a time, across processes: a create must not overwrite a create of the same scope.
const writeLock = { exclusive: 'gatehouse:scope-mappings' };

function codeView(mapping: ScopeMapping): ScopeMappingView {
  return {
    scope: mapping.scope,
    description: mapping.description,
    claims: [...(mapping.claimNames ?? [])],
    claim_paths: null,
    special: specialScopes.has(mapping.scope),
    source: builtIn.has(mapping) ? 'built_in' : 'configured',
    updated_at: null,
  };
}

function storedView(mapping: StoredScopeMapping): ScopeMappingView {
  return {
    scope: mapping.scope,
    description: mapping.description,
    claims: Object.keys(mapping.claims),
    claim_paths: { ...mapping.claims },
    special: specialScopes.has(mapping.scope),
    source: 'stored',
    updated_at: mapping.updatedAt,
  };
}

/** Every mapping the server uses, as the server combines them: stored ones over those in code (later ones win by name). */
async function effectiveMappings(api: ApiContext, stores = api.stores): Promise<Map<string, ScopeMappingView>> {
  const views = new Map(api.scopeMappings.map((mapping) => [mapping.scope, codeView(mapping)]));
  for (const mapping of await stores.scopeMappings.list()) {
    // The server never lets a stored mapping replace openid or offline_access.
    if (!reservedScopes.has(mapping.scope)) views.set(mapping.scope, storedView(mapping));
  }
  return views;
}

/** The mapping the server uses for `scope`; 404 when it knows no such scope. */
async function requireMapping(api: ApiContext, scope: string, stores = api.stores): Promise<ScopeMappingView> {
  const found = (await effectiveMappings(api, stores)).get(scope);
  if (!found) throw new ApiError(404, 'not_found', `no scope mapping for ${scope}`);
  return found;
}

/** The stored mapping of `scope`: 404 when the server knows no such scope, 409 when it is defined in code. */
async function requireStored(api: ApiContext, scope: string, stores = api.stores): Promise<ScopeMappingView> {
  const found = await requireMapping(api, scope, stores);
  if (found.source !== 'stored') throw new ApiError(409, 'conflict', `${scope} is ${found.source === 'built_in' ? 'built in' : 'configured in code'}: it is read-only`);
  return found;
}

/** Runs a change of stored mappings under the write lock, then has this process use it at once. */
async function changeStored<T>(api: ApiContext, change: (stores: Stores) => Promise<T>): Promise<T> {
  const result = await api.stores.transaction(change, writeLock);
  await api.server.reloadScopeMappings();
  return result;
}

/**
 * Scope mappings: those in code (built in, GitHub-compatible, gatehouse:api) are read-only;
 * stored ones (this API, the seed file) can be created, changed and deleted. This process uses a
 * change at once; other processes within their `storeCacheSeconds`.
 */
export const scopeMappingRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/scope-mappings',
    operationId: 'listScopeMappings',
    summary: 'List the scope mappings the server uses (built in, configured in code, stored)',
    tag: 'scope-mappings',
    query: pageQuerySchema,
    response: pageSchema(scopeMappingSchema),
    async handle({ query, api }) {
      const mappings = [...(await effectiveMappings(api)).values()].sort((a, b) => (a.scope < b.scope ? -1 : 1));
      return pageOf(mappings, query, (mapping) => mapping);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/scope-mappings/{scope}',
    operationId: 'getScopeMapping',
    summary: 'Show a scope mapping',
    tag: 'scope-mappings',
    params: scopeParams,
    response: scopeMappingSchema,
    async handle({ params, api }) {
      return requireMapping(api, params.scope);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/scope-mappings',
    operationId: 'createScopeMapping',
    summary: 'Store a new scope mapping: claims read from user fields; applications may be given its scope',
    tag: 'scope-mappings',
    body: scopeMappingSettingsSchema,
    status: 201,
    response: scopeMappingSchema,
    async handle({ body, api }) {
      const created = await changeStored(api, async (tx) => {
        const existing = (await effectiveMappings(api, tx)).get(body.scope);
        if (existing) throw new ApiError(409, 'conflict', `a scope mapping for ${body.scope} exists already (${existing.source.replace('_', ' ')})`);
        return putScopeMapping(tx, body, api.clock.now());
      });
      return storedView(created);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/scope-mappings/{scope}',
    operationId: 'updateScopeMapping',
    summary: 'Replace the description and claims of a stored scope mapping',
    tag: 'scope-mappings',
    params: scopeParams,
    body: changeSchema,
    response: scopeMappingSchema,
    async handle({ params, body, api }) {
      const updated = await changeStored(api, async (tx) => {
        await requireStored(api, params.scope, tx);
        return putScopeMapping(tx, { scope: params.scope, ...body }, api.clock.now());
      });
      return storedView(updated);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/scope-mappings/{scope}',
    operationId: 'deleteScopeMapping',
    summary: 'Delete a stored scope mapping: its scope is unknown again (or back to the mapping in code it replaced)',
    tag: 'scope-mappings',
    params: scopeParams,
    async handle({ params, api }) {
      await changeStored(api, async (tx) => {
        await requireStored(api, params.scope, tx);
        await tx.scopeMappings.delete(params.scope);
      });
    },
  }),
];
