import { z } from 'zod';
import type { ApiRoute } from './api-route.js';
import { apiErrorSchema } from './write-api-error.js';

type JsonSchema = Record<string, unknown>;

/** zod 4's own conversion (JSON Schema 2020-12, the dialect of OpenAPI 3.1), without the `$schema` line each would repeat. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return rest;
}

function parameters(route: ApiRoute) {
  const from = (where: 'path' | 'query', object: z.ZodObject) => {
    const { properties = {}, required = [] } = jsonSchema(object, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(properties).map(([name, { description, ...schema }]) => ({
      name,
      in: where,
      // OpenAPI 3.1 §4.8.12.1: path parameters are always required.
      required: where === 'path' || required.includes(name),
      ...(description !== undefined ? { description } : {}),
      schema,
    }));
  };
  return [...from('path', route.params), ...from('query', route.query)];
}

const unsafe = (route: ApiRoute) => route.method !== 'get';
const errorResponse = { $ref: '#/components/responses/Error' };

function operation(route: ApiRoute) {
  const success = route.response
    ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
    : { description: 'Done; no content' };
  const refusals = [
    '400',
    ...(route.authenticated ? ['401', '403'] : []),
    ...(Object.keys(route.params.shape).length > 0 ? ['404'] : []),
    ...(unsafe(route) ? ['409'] : []),
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses: { [String(route.status)]: success, ...Object.fromEntries(refusals.map((status) => [status, errorResponse])) },
    // Either a token, or the session; the session's unsafe requests also carry the CSRF header.
    security: route.authenticated ? [{ bearer: [] }, unsafe(route) ? { session: [], csrf: [] } : { session: [] }] : [],
  };
}

/**
 * The OpenAPI 3.1 document of the management API, built from the route table that mounts the
 * routes and from the zod schemas that check their input.
 */
export function openApiDocument(routes: readonly ApiRoute[], options: { readonly serverUrl: string; readonly sessionCookie: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.1',
    info: {
      title: 'Gatehouse management API',
      version: '1',
      description:
        'Applications, users, groups, keys, consents, grants and the audit trail of a Gatehouse server. Every operation but this document needs an ' +
        'administrator: a Bearer access token with the gatehouse:api scope of a user in the admin group, or their browser session.',
    },
    servers: [{ url: options.serverUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(apiErrorSchema, 'output') },
      responses: {
        Error: { description: 'Refused: see error and error_description', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token of this server carrying the gatehouse:api scope.' },
        session: { type: 'apiKey', in: 'cookie', name: options.sessionCookie, description: 'The browser session of a signed-in administrator.' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'With the session, on POST, PUT, PATCH and DELETE: the token of GET /csrf-token.' },
      },
    },
  };
}
