import { createHash } from 'node:crypto';
import { systemClock } from '../clock.js';
import { resolveSettings } from '../config/schema.js';
import { createKeySets } from '../keys/key-sets.js';
import { memoryCodeCache } from '../storage/memory/memory-code-cache.js';
import { memoryStores } from '../storage/memory/memory-stores.js';
import { makeApplication } from '../testing/fixtures.js';
import { authenticateClient, readClientCredentials } from './authenticate-client.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;
// Independent of the source: SHA-256, base64url (DESIGN §4).
const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

describe('readClientCredentials', () => {
  it.each([
    ['reads client_secret_basic', {}, basic('client-1:s3cret'), { clientId: 'client-1', clientSecret: 's3cret', method: 'client_secret_basic' }],
    ['reads the Basic scheme case-insensitively', {}, basic('client-1:s3cret').replace('Basic', 'basic'), { clientId: 'client-1', clientSecret: 's3cret', method: 'client_secret_basic' }],
    ['percent-decodes Basic id and secret (RFC 6749 §2.3.1)', {}, basic('client%2Fid:secret%2B%2F%3D%3D'), { clientId: 'client/id', clientSecret: 'secret+/==', method: 'client_secret_basic' }],
    ['keeps a raw + in a Basic secret (not form-decoded to a space)', {}, basic('client-1:a+b'), { clientId: 'client-1', clientSecret: 'a+b', method: 'client_secret_basic' }],
    ['splits Basic at the first colon, so the secret may hold colons', {}, basic('client-1:se:cr:et'), { clientId: 'client-1', clientSecret: 'se:cr:et', method: 'client_secret_basic' }],
    ['reads an empty Basic secret', {}, basic('client-1:'), { clientId: 'client-1', clientSecret: '', method: 'client_secret_basic' }],
    ['accepts a body client_id equal to the Basic one', { client_id: 'client-1' }, basic('client-1:s3cret'), { clientId: 'client-1', clientSecret: 's3cret', method: 'client_secret_basic' }],
    ['reads client_secret_post', { client_id: 'client-1', client_secret: 's3cret' }, undefined, { clientId: 'client-1', clientSecret: 's3cret', method: 'client_secret_post' }],
    ['reads a public client from client_id alone', { client_id: 'spa' }, undefined, { clientId: 'spa', clientSecret: undefined, method: 'none' }],
    ['ignores a non-Basic Authorization header', { client_id: 'spa' }, 'Bearer abc', { clientId: 'spa', clientSecret: undefined, method: 'none' }],
    ['finds no credentials in an empty request', {}, undefined, null],
    ['finds no credentials in an empty client_id', { client_id: '' }, undefined, null],
  ])('%s', (_name, params, authorization, expected) => {
    expect(readClientCredentials(params, authorization)).toEqual(expected);
  });

  it.each([
    ['Basic without credentials', {}, 'Basic', 'invalid_client'],
    ['Basic with characters outside base64', {}, 'Basic !!!', 'invalid_client'],
    ['Basic without a colon', {}, basic('client-1'), 'invalid_client'],
    ['Basic with an empty client id', {}, basic(':s3cret'), 'invalid_client'],
    ['Basic with a broken percent-encoding', {}, basic('client-1:%zz'), 'invalid_request'],
    ['both Basic and client_secret in the body (RFC 6749 §2.3)', { client_secret: 's3cret' }, basic('client-1:s3cret'), 'invalid_request'],
    ['both Basic and an empty client_secret in the body', { client_secret: '' }, basic('client-1:s3cret'), 'invalid_request'],
    ['a body client_id that differs from the Basic one', { client_id: 'client-2' }, basic('client-1:s3cret'), 'invalid_request'],
  ])('refuses %s', (_name, params, authorization, code) => {
    expect(() => readClientCredentials(params, authorization)).toThrow(expect.objectContaining({ code }));
  });
});

describe('authenticateClient', () => {
  const secret = 'correct horse+battery/staple';
  const stores = memoryStores();
  const context = { stores, codes: memoryCodeCache(), clock: systemClock, keySets: createKeySets(), settings: resolveSettings({ baseUrl: 'https://id.example.com' }) };
  // Reading and authenticating in one step, as the token endpoint does.
  const authenticate = async (params: Record<string, string>, authorization: string | undefined) =>
    authenticateClient(context, readClientCredentials(params, authorization));
  const confidential = makeApplication({ id: 'app-1', clientId: 'client-1', clientSecretDigest: digest(secret) });
  const withoutSecret = makeApplication({ id: 'app-2', slug: 'no-secret', clientId: 'client-2', clientSecretDigest: null });
  const spa = makeApplication({ id: 'app-3', slug: 'spa', clientId: 'spa', clientType: 'public', tokenEndpointAuthMethod: 'none' });
  beforeAll(async () => {
    for (const application of [confidential, withoutSecret, spa]) await stores.applications.save(application);
  });

  it.each([
    ['a confidential client by client_secret_basic', {}, basic(`client-1:${encodeURIComponent(secret)}`), confidential],
    ['a confidential client by Basic without percent-encoding of +', {}, basic(`client-1:${secret}`), confidential],
    ['a confidential client by client_secret_post', { client_id: 'client-1', client_secret: secret }, undefined, confidential],
    ['a public client by client_id alone', { client_id: 'spa' }, undefined, spa],
    ['a public client by Basic with an empty secret', {}, basic('spa:'), spa],
  ])('authenticates %s', async (_name, params, authorization, expected) => {
    await expect(authenticate(params, authorization)).resolves.toEqual(expected);
  });

  it.each([
    ['a wrong secret by Basic', {}, basic('client-1:wrong'), 'invalid_client'],
    ['a wrong secret by post', { client_id: 'client-1', client_secret: 'wrong' }, undefined, 'invalid_client'],
    ['the secret digest sent as the secret', { client_id: 'client-1', client_secret: digest(secret) }, undefined, 'invalid_client'],
    ['a confidential client without secret', { client_id: 'client-1' }, undefined, 'invalid_client'],
    ['a confidential client with an empty secret', { client_id: 'client-1', client_secret: '' }, undefined, 'invalid_client'],
    ['a confidential client that has no secret digest', { client_id: 'client-2', client_secret: 'anything' }, undefined, 'invalid_client'],
    ['a public client sending a secret', { client_id: 'spa', client_secret: 'guess' }, undefined, 'invalid_client'],
    ['an unknown client', { client_id: 'nobody', client_secret: secret }, undefined, 'invalid_client'],
    ['a request without client credentials', {}, undefined, 'invalid_client'],
    ['malformed Basic', {}, 'Basic !!!', 'invalid_client'],
    ['both Basic and client_secret_post', { client_id: 'client-1', client_secret: secret }, basic(`client-1:${secret}`), 'invalid_request'],
  ])('refuses %s', async (_name, params, authorization, code) => {
    await expect(authenticate(params, authorization)).rejects.toMatchObject({
      code,
      status: code === 'invalid_client' ? 401 : 400,
    });
  });

  it('keeps why authentication failed out of the public description', async () => {
    const error = await authenticate({ client_id: 'nobody' }, undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_client', description: 'client authentication failed' });
    expect(error).toMatchObject({ detail: expect.stringContaining('nobody') });
  });
});
