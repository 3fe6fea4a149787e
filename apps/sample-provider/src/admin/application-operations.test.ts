import { createKeyRecord, digestToken, memoryStores, systemClock, type Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { applicationView } from './application-view.js';
import { deleteApplication } from './delete-application.js';
import { registerApplication } from './register-application.js';
import { rotateClientSecret } from './rotate-client-secret.js';
import { updateApplication } from './update-application.js';

async function storesWithKeys(): Promise<Stores> {
  const stores = memoryStores();
  await stores.keys.save(await createKeyRecord({ name: 'default', alg: 'ES256', now: 1 }));
  await stores.keys.save(await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now: 1 }));
  return stores;
}

const wiki = { slug: 'wiki', name: 'Wiki', client_id: 'wiki-client', signing_key: 'default', redirect_uris: [{ url: 'https://wiki.example.com/cb' }] };

describe('registerApplication', () => {
  it('generates a secret, returns it once and stores only its digest when a key signs', async () => {
    const stores = await storesWithKeys();
    const { application, clientSecret } = await registerApplication(stores, wiki);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await stores.applications.findBySlug('wiki');
    expect(stored).toEqual(application);
    expect(stored).toMatchObject({ clientId: 'wiki-client', clientSecretDigest: digestToken(clientSecret!), hmacSecret: null, tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(applicationView(stored!)).toMatchObject({ slug: 'wiki', has_client_secret: true, redirect_uris: [{ matching_mode: 'strict', url: 'https://wiki.example.com/cb', type: 'authorization' }] });
    expect(JSON.stringify(applicationView(stored!))).not.toContain(clientSecret);
  });

  it('keeps the secret (for the adapter to encrypt) when it is the HS256 key, and none for a public client', async () => {
    const stores = await storesWithKeys();
    const { clientSecret } = await registerApplication(stores, { ...wiki, signing_key: null });
    expect((await stores.applications.findBySlug('wiki'))!.hmacSecret).toBe(clientSecret);
    const pub = await registerApplication(stores, { slug: 'spa', name: 'SPA', client_id: 'spa', client_type: 'public', signing_key: 'default' });
    expect(pub.clientSecret).toBeUndefined();
    expect(pub.application).toMatchObject({ clientSecretDigest: null, hmacSecret: null, tokenEndpointAuthMethod: 'none' });
  });

  it.each([
    ['a taken slug', { ...wiki, client_id: 'other' }, 'conflict', 'an application with slug wiki exists already'],
    ['a taken client_id', { ...wiki, slug: 'other' }, 'conflict', 'an application with client_id wiki-client exists already'],
    ['a bad slug and no name', { ...wiki, slug: 'Bad Slug', name: '' }, 'invalid_input', 'slug: lowercase letters, digits, - and _; name: Too small'],
    ['an unknown key', { ...wiki, slug: 'x', client_id: 'x', signing_key: 'nope' }, 'invalid_input', 'application x: unknown key nope'],
    ['an encryption key to sign with', { ...wiki, slug: 'x', client_id: 'x', signing_key: 'enc' }, 'invalid_input', 'application x: signing_key enc is an encryption key'],
  ])('refuses %s', async (_name, input, code, message) => {
    const stores = await storesWithKeys();
    await registerApplication(stores, wiki);
    const error = await registerApplication(stores, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(message) });
  });
});

describe('updateApplication', () => {
  it('changes the given settings only and keeps the secret', async () => {
    const stores = await storesWithKeys();
    const { application: before, clientSecret } = await registerApplication(stores, { ...wiki, consent: 'explicit' });
    const { application, clientSecret: generated } = await updateApplication(stores, 'wiki', { name: 'The Wiki', consent: 'implicit' });
    expect(generated).toBeUndefined();
    expect(application).toEqual({ ...before, name: 'The Wiki', consent: 'implicit' });
    expect(application.clientSecretDigest!).toBe(digestToken(clientSecret!));
  });

  it('generates a secret when a change needs one the server does not have', async () => {
    const stores = await storesWithKeys();
    await registerApplication(stores, wiki);
    // The secret was kept as a digest only; HS256 needs the secret itself.
    const { application, clientSecret } = await updateApplication(stores, 'wiki', { signing_key: null });
    expect(application.hmacSecret).toBe(clientSecret);
    await registerApplication(stores, { slug: 'spa', name: 'SPA', client_id: 'spa', client_type: 'public', signing_key: 'default' });
    const confidential = await updateApplication(stores, 'spa', { client_type: 'confidential' });
    expect(confidential.application).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', clientSecretDigest: digestToken(confidential.clientSecret!) });
  });

  it.each([
    ['an unknown application', 'nope', { name: 'x' }, 'not_found', 'no application with slug nope'],
    ['an unknown field', 'wiki', { slug: 'renamed' }, 'invalid_input', 'Unrecognized key: "slug"'],
    ['a wrong type', 'wiki', { access_token_validity: -5 }, 'invalid_input', 'access_token_validity: Too small'],
    ['a taken client_id', 'wiki', { client_id: 'spa' }, 'conflict', 'an application with client_id spa exists already'],
  ])('refuses %s', async (_name, slug, patch, code, message) => {
    const stores = await storesWithKeys();
    await registerApplication(stores, wiki);
    await registerApplication(stores, { slug: 'spa', name: 'SPA', client_id: 'spa', client_type: 'public', signing_key: 'default' });
    await expect(updateApplication(stores, slug, patch as never)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });
});

describe('rotateClientSecret and deleteApplication', () => {
  it('replaces the secret: only the new one matches', async () => {
    const stores = await storesWithKeys();
    const { clientSecret: old } = await registerApplication(stores, wiki);
    const { clientSecret } = await rotateClientSecret(stores, 'wiki');
    const stored = (await stores.applications.findBySlug('wiki'))!;
    expect(clientSecret).not.toBe(old);
    expect(stored.clientSecretDigest!).toBe(digestToken(clientSecret));
    expect(stored.clientSecretDigest!).not.toBe(digestToken(old!));
  });

  it('refuses to rotate what a public client does not have', async () => {
    const stores = await storesWithKeys();
    await registerApplication(stores, { slug: 'spa', name: 'SPA', client_id: 'spa', client_type: 'public', signing_key: 'default' });
    await expect(rotateClientSecret(stores, 'spa')).rejects.toMatchObject({ code: 'invalid_input', message: 'application spa is a public client: it has no secret to rotate' });
  });

  it('deletes, and then knows the application no more', async () => {
    const stores = await storesWithKeys();
    await registerApplication(stores, wiki);
    await deleteApplication(stores, 'wiki', systemClock);
    expect(await stores.applications.findBySlug('wiki')).toBeNull();
    await expect(deleteApplication(stores, 'wiki', systemClock)).rejects.toMatchObject({ code: 'not_found' });
  });
});
