import { createKeyRecord, type KeyRecord } from '@gatehouse/core';
import { z } from 'zod';
import { rotateKeys } from '../admin/index.js';
import { ApiError } from './api-error.js';
import { defineRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { pageOf, pageQuerySchema, pageSchema } from './page.js';

const keySchema = z.object({
  name: z.string(),
  kid: z.string().describe('RFC 7638 thumbprint of the public key.'),
  alg: z.enum(['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'RSA-OAEP-256']),
  use: z.enum(['sig', 'enc']),
  created_at: z.int().describe('Epoch seconds.'),
  current: z.boolean().describe('The newest version of its name: it signs (or is encrypted to) now; older ones only verify.'),
  public_jwk: z.record(z.string(), z.unknown()).describe('The public key, as published in the JWKS.'),
});

const newKeySchema = z.object({
  name: z.string().trim().min(1).max(200),
  alg: keySchema.shape.alg.describe('Signing: RS256, ES256, ES384, ES512 or EdDSA (Ed25519); encryption: RSA-OAEP-256.'),
});

const nameParams = z.object({ name: z.string().min(1).max(200) });

// RFC 7517 §4 / RFC 7518 §6: the members of a JWK that describe its public half.
const publicMembers = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

function keyView(record: KeyRecord, current: boolean) {
  const jwk: Record<string, unknown> = { kid: record.kid, use: record.use, alg: record.alg };
  for (const member of publicMembers) if (record.privateJwk[member] !== undefined) jwk[member] = record.privateJwk[member];
  return { name: record.name, kid: record.kid, alg: record.alg, use: record.use, created_at: record.createdAt, current, public_jwk: jwk };
}

async function currentVersion(api: ApiContext, name: string): Promise<KeyRecord> {
  const [current] = await api.stores.keys.findByName(name);
  if (!current) throw new ApiError(404, 'not_found', `no key named ${name}`);
  return current;
}

/** Signing and encryption keys: list (public halves only), generate, rotate, retire a version. */
export const keyRoutes: readonly ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/keys',
    operationId: 'listKeys',
    summary: 'List the live key versions (never a private key)',
    tag: 'keys',
    query: pageQuerySchema,
    response: pageSchema(keySchema),
    async handle({ query, api }) {
      const records = [...(await api.stores.keys.list())].sort((a, b) => (a.name === b.name ? b.createdAt - a.createdAt : a.name < b.name ? -1 : 1));
      return pageOf(records, query, (record) => keyView(record, records.find((other) => other.name === record.name) === record));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/keys',
    operationId: 'createKey',
    summary: 'Generate a new named key',
    tag: 'keys',
    body: newKeySchema,
    status: 201,
    response: keySchema,
    async handle({ body, api }) {
      // One generator of a name at a time: two concurrent requests must not both add a first version.
      const record = await api.stores.transaction(
        async (tx) => {
          if ((await tx.keys.findByName(body.name)).length > 0) throw new ApiError(409, 'conflict', `a key named ${body.name} exists already: rotate it instead`);
          const created = await createKeyRecord({ name: body.name, alg: body.alg, now: api.clock.now() });
          await tx.keys.save(created);
          return created;
        },
        { exclusive: 'gatehouse:keys' },
      );
      api.server.keysChanged();
      return keyView(record, true);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/keys/{name}/rotate',
    operationId: 'rotateKey',
    summary: 'Add a new version of a signing key: it signs from now on, the older ones keep verifying until retired',
    tag: 'keys',
    params: nameParams,
    response: keySchema.extend({ applications: z.array(z.string()).describe('Slugs of the applications that sign with it.') }),
    async handle({ params, api }) {
      const [rotation] = await rotateKeys(api.stores, api.clock, { keys: [params.name] });
      api.server.keysChanged();
      const record = await currentVersion(api, params.name);
      return { ...keyView(record, true), applications: [...(rotation?.applications ?? [])] };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/keys/{name}/versions/{kid}/retire',
    operationId: 'retireKeyVersion',
    summary: 'Retire a key version: it no longer signs, verifies or appears in the JWKS',
    tag: 'keys',
    params: nameParams.extend({ kid: z.string().min(1).max(200) }),
    async handle({ params, api }) {
      const versions = await api.stores.keys.findByName(params.name);
      const version = versions.find((record) => record.kid === params.kid);
      if (!version) throw new ApiError(404, 'not_found', `key ${params.name} has no live version ${params.kid}`);
      if (versions.length === 1) {
        const users = (await api.stores.applications.list()).filter((application) => [application.signingKey, application.encryptionKey].includes(params.name));
        if (users.length > 0) {
          throw new ApiError(409, 'conflict', `${params.kid} is the only version of ${params.name}, which ${users.map((application) => application.slug).join(', ')} use: rotate first`);
        }
      }
      await api.stores.keys.retire(params.kid, api.clock.now());
      api.server.keysChanged();
    },
  }),
];
