import { verify } from '@node-rs/argon2';
import { createKeyRecord, digestToken, memoryStores, systemClock, type Clock } from '@gatehouse/core';
import { addUserToGroup } from './add-user-to-group.js';
import { createAppPassword } from './create-app-password.js';
import { createUser } from './create-user.js';
import { deactivateUser } from './deactivate-user.js';
import { registerApplication } from './register-application.js';
import { rotateKeys, type KeyRotationProgress } from './rotate-keys.js';
import { setPassword } from './set-password.js';

const fixedClock: Clock = { now: () => 1_700_000_000 };
const memoryStoresWithBob = memoryStores();
beforeAll(() => createUser(memoryStoresWithBob, { username: 'bob' }));

describe('user operations', () => {
  it('creates a user, sets an argon2id password, adds a group once and deactivates', async () => {
    const stores = memoryStores();
    const created = await createUser(stores, { username: 'bob', name: 'Bob', email: 'bob@example.com' });
    expect(created).toMatchObject({ username: 'bob', isActive: true, groups: [], type: 'internal' });
    expect(created.passwordHash).toBeUndefined();
    await setPassword(stores, 'bob', 'correct horse battery');
    const hashed = (await stores.users.findByUsername('bob'))!.passwordHash!;
    expect(hashed).toMatch(/^\$argon2id\$/);
    expect(await verify(hashed, 'correct horse battery')).toBe(true);
    await addUserToGroup(stores, 'bob', 'admins');
    expect((await addUserToGroup(stores, 'bob', 'admins')).groups).toEqual(['admins']);
    expect((await deactivateUser(stores, 'bob')).isActive).toBe(false);
    expect(await stores.users.findByUsername('bob')).toMatchObject({ isActive: false, groups: ['admins'], passwordHash: hashed });
  });

  it.each([
    ['a taken username', () => createUser(memoryStoresWithBob, { username: 'bob' }), 'conflict', 'a user named bob exists already'],
    ['an invalid email', () => createUser(memoryStoresWithBob, { username: 'eve', email: 'not-an-email' }), 'invalid_input', 'email: Invalid email address'],
    ['a short password', () => setPassword(memoryStoresWithBob, 'bob', 'short'), 'invalid_input', 'password: at least 8 characters'],
    ['an unknown user', () => setPassword(memoryStoresWithBob, 'nobody', 'long enough password'), 'not_found', 'no user named nobody'],
    ['an empty group', () => addUserToGroup(memoryStoresWithBob, 'bob', ' '), 'invalid_input', 'group: a name is needed'],
    ['an app password expiring in the past', () => createAppPassword(memoryStoresWithBob, 'bob', { name: 'ci', expires_at: 1 }, fixedClock), 'invalid_input', 'expires_at: must be in the future'],
  ])('refuses %s', async (_name, run, code, message) => {
    await expect(run()).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('creates an app password whose token is stored as a digest, once per name', async () => {
    const stores = memoryStores();
    await createUser(stores, { username: 'ci-bot', type: 'service_account' });
    const first = await createAppPassword(stores, 'ci-bot', { name: 'deploy' }, fixedClock);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.appPassword.tokenDigest).toBe(digestToken(first.token));
    expect(await stores.appPasswords.findByDigest(digestToken(first.token), fixedClock.now())).toMatchObject({ name: 'deploy' });
    const second = await createAppPassword(stores, 'ci-bot', { name: 'deploy', expires_at: fixedClock.now() + 60 }, fixedClock);
    // The same name is replaced: the first token no longer works.
    expect(await stores.appPasswords.findByDigest(digestToken(first.token), fixedClock.now())).toBeNull();
    expect(await stores.appPasswords.findByDigest(digestToken(second.token), fixedClock.now())).toMatchObject({ expiresAt: fixedClock.now() + 60 });
  });
});

describe('rotateKeys', () => {
  it('rotates each signing key applications use, once, reporting each', async () => {
    const stores = memoryStores();
    for (const name of ['a', 'b', 'unused']) await stores.keys.save(await createKeyRecord({ name, alg: 'ES256', now: 1 }));
    await stores.keys.save(await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now: 1 }));
    for (const [slug, key] of [['one', 'a'], ['two', 'a'], ['three', 'b']] as const) {
      await registerApplication(stores, { slug, name: slug, client_id: slug, signing_key: key, encryption_key: 'enc' });
    }
    const progress: KeyRotationProgress[] = [];
    const rotations = await rotateKeys(stores, systemClock, { onProgress: (step) => progress.push(step) });
    expect(rotations.map(({ key, applications }) => ({ key, applications }))).toEqual([
      { key: 'a', applications: ['one', 'two'] },
      { key: 'b', applications: ['three'] },
    ]);
    expect(progress.map(({ done, total, key }) => `${done}/${total} ${key}`)).toEqual(['1/2 a', '2/2 b']);
    expect((await stores.keys.findByName('a')).map((key) => key.kid)).toEqual([rotations[0]!.kid, expect.any(String)]);
    expect(await stores.keys.findByName('unused')).toHaveLength(1);
  });

  it('refuses unknown and encryption keys before rotating any', async () => {
    const stores = memoryStores();
    await stores.keys.save(await createKeyRecord({ name: 'a', alg: 'ES256', now: 1 }));
    await stores.keys.save(await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now: 1 }));
    await expect(rotateKeys(stores, systemClock, { keys: ['a', 'nope'] })).rejects.toMatchObject({ code: 'not_found', message: 'no key named nope' });
    await expect(rotateKeys(stores, systemClock, { keys: ['a', 'enc'] })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('key enc is an encryption key') });
    expect(await stores.keys.findByName('a')).toHaveLength(1);
  });
});
