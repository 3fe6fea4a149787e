// The OpenAPI 3.1 document of the management API: well formed, and describing exactly the
// operations the router serves (both come from the same route table).
import { Validator } from '@seriousme/openapi-schema-validator';
import { apiRoutes } from '../../src/api/index.js';
import { startProvider, type RunningProvider } from '../provider-harness.js';
import { accessToken, admin, apiSeed } from './api.fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let provider: RunningProvider;
let document: Json;
let token: string;
beforeAll(async () => {
  provider = await startProvider(apiSeed);
  document = (await (await fetch(`${provider.baseUrl}/api/v1/openapi.json`)).json()) as Json;
  token = await accessToken(provider.baseUrl, admin, 'gatehouse:api');
});
afterAll(() => provider.close());

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = () =>
  Object.entries(document['paths'] as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).filter(([method]) => methods.includes(method)).map(([method, operation]) => ({ path, method, operation: operation as Json })),
  );

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document naming this server', () => {
    expect(document['openapi']).toMatch(/^3\.1\.\d+$/);
    expect(document['info']).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document['servers']).toEqual([{ url: `${provider.publicUrl}/api/v1` }]);
    expect(Object.keys(document['components']['securitySchemes']).sort()).toEqual(['bearer', 'csrf', 'session']);
  });

  it('passes the OpenAPI Initiative 3.1 schema, schema objects included', async () => {
    const result = await new Validator().validate(document);
    expect(result).toEqual({ valid: true });
  });

  it('describes exactly the operations of the route table, each once, with unique operation ids', () => {
    const documented = operations().map(({ method, path }) => `${method} ${path}`).sort();
    expect(documented).toEqual(apiRoutes.map((route) => `${route.method} ${route.path}`).sort());
    const ids = operations().map(({ operation }) => operation['operationId']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter of every path, as required, and no other', () => {
    for (const { path, operation } of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation['parameters'] as Json[]).filter((parameter) => parameter['in'] === 'path');
      expect({ path, names: declared.map((parameter) => parameter['name']).sort() }).toEqual({ path, names: inPath });
      for (const parameter of declared) expect(parameter['required']).toBe(true);
    }
  });

  it('gives each operation a success response, error responses and its security', () => {
    for (const { path, method, operation } of operations()) {
      const statuses = Object.keys(operation['responses'] as Json);
      expect({ path, method, success: statuses.filter((status) => /^2\d\d$/.test(status)).length }).toEqual({ path, method, success: 1 });
      expect(statuses).toContain('400');
      const open = path === '/openapi.json';
      expect(operation['security']).toEqual(open ? [] : [{ bearer: [] }, expect.objectContaining({ session: [] })]);
      if (!open) expect(statuses).toEqual(expect.arrayContaining(['401', '403']));
      if (['post', 'put', 'patch'].includes(method) && operation['requestBody']) {
        expect(operation['requestBody']['content']['application/json']['schema']).toMatchObject({ type: 'object' });
      }
    }
  });

  it('documents paging on every list operation: limit up to 200 and an opaque cursor', () => {
    const lists = operations().filter(({ operation }) => operation['responses']['200']?.['content']?.['application/json']?.['schema']?.['properties']?.['next_cursor']);
    expect(lists.map(({ operation }) => operation['operationId']).sort()).toEqual(apiRoutes.map((route) => route.operationId).filter((id) => id.startsWith('list')).sort());
    for (const { operation } of lists) {
      const query = Object.fromEntries((operation['parameters'] as Json[]).filter((parameter) => parameter['in'] === 'query').map((parameter) => [parameter['name'], parameter]));
      expect(query['limit']).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
      expect(query['cursor']).toMatchObject({ required: false, schema: { type: 'string' } });
    }
  });

  it('has only references that resolve inside the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });
});

describe('the router', () => {
  it('serves every documented operation (a handler answers, not the unknown-operation fallback)', async () => {
    for (const { path, method } of operations()) {
      const url = `${provider.baseUrl}/api/v1${path.replace(/\{\w+\}/g, 'no-such-thing')}`;
      const res = await fetch(url, { method: method.toUpperCase(), headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json().catch(() => ({}))) as Json;
      expect({ method, path, fallback: String(body['error_description'] ?? '').startsWith('no operation') }).toEqual({ method, path, fallback: false });
      expect(res.status).toBeLessThan(500);
    }
  });

  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['DELETE', '/api/v1/users'],
    ['PATCH', '/api/v1/openapi.json'],
  ])('answers %s %s, which the document does not describe, with a JSON 404', async (method, path) => {
    const res = await fetch(`${provider.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', error_description: expect.stringMatching(/^no operation/), request_id: res.headers.get('x-request-id') });
  });
});
