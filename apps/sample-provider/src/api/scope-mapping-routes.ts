import { specialScopes } from '@gatehouse/core';
import { z } from 'zod';
import { defineRoute, type ApiRoute } from './api-route.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';

const scopeMappingSchema = z.object({
  scope: z.string(),
  description: z.string().describe('What the consent page says about the scope.'),
  claims: z.array(z.string()).describe('The claims the mapping can add (as advertised in discovery).'),
  special: z.boolean().describe('Granted only when asked for by name, never by default (gatehouse:api).'),
});

/**
 * Scope mappings, read-only: they come from code (the built-in and GitHub ones) and from the seed
 * file, and the server compiles them once at start; change them in the seed and restart.
 */
export const scopeMappingRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/scope-mappings',
    operationId: 'listScopeMappings',
    summary: 'List the scope mappings the server uses (built in, GitHub-compatible, from the seed)',
    tag: 'scope-mappings',
    query: pageQuerySchema,
    response: pageSchema(scopeMappingSchema),
    async handle({ query, api }) {
      const byScope = new Map(api.scopeMappings.map((mapping) => [mapping.scope, mapping]));
      const mappings = [...byScope.values()].sort((a, b) => (a.scope < b.scope ? -1 : 1));
      return pageOf(mappings, query, (mapping) => ({
        scope: mapping.scope,
        description: mapping.description,
        claims: [...(mapping.claimNames ?? [])],
        special: specialScopes.has(mapping.scope),
      }));
    },
  }),
];
