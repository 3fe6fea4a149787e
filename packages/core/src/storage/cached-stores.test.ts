import { manualClock, makeApplication, makeUser } from '../testing/fixtures.js';
import { withStoreCache } from './cached-stores.js';
import { memoryStores } from './memory/memory-stores.js';

describe('withStoreCache', () => {
  it('serves repeated lookups from the cache until they are older than the setting', async () => {
    const clock = manualClock();
    const backend = memoryStores();
    await backend.applications.save(makeApplication({ name: 'Before' }));
    const cached = withStoreCache(backend, clock, 5);
    expect((await cached.applications.findByClientId('client-1'))?.name).toBe('Before');
    // Another process changes it: this one keeps its copy for up to five seconds.
    await backend.applications.save(makeApplication({ name: 'After' }));
    expect((await cached.applications.findByClientId('client-1'))?.name).toBe('Before');
    clock.advance(5);
    expect((await cached.applications.findByClientId('client-1'))?.name).toBe('After');
  });

  it('sees its own writes at once, also those made in a transaction', async () => {
    const clock = manualClock();
    const backend = memoryStores();
    const cached = withStoreCache(backend, clock, 60);
    await cached.users.save(makeUser({ id: 'u1', username: 'alice', isActive: true }));
    expect((await cached.users.findByUsername('alice'))?.isActive).toBe(true);
    await cached.users.save(makeUser({ id: 'u1', username: 'alice', isActive: false }));
    expect((await cached.users.find('u1'))?.isActive).toBe(false);
    expect(await cached.users.findByUsername('alice')).toMatchObject({ isActive: false });
    await cached.transaction((tx) => tx.users.save(makeUser({ id: 'u1', username: 'alice', isActive: true })));
    expect((await cached.users.find('u1'))?.isActive).toBe(true);
  });

  it('keeps its entries through units of work that write neither applications nor users', async () => {
    const backend = memoryStores();
    await backend.applications.save(makeApplication({ name: 'Before' }));
    await backend.users.save(makeUser({ id: 'u1', username: 'alice', name: 'Alice' }));
    const cached = withStoreCache(backend, manualClock(), 60);
    await cached.applications.findByClientId('client-1');
    await cached.users.find('u1');
    // Another process renames both; a code exchange here writes only grants and tokens.
    await backend.applications.save(makeApplication({ name: 'After' }));
    await backend.users.save(makeUser({ id: 'u1', username: 'alice', name: 'Alicia' }));
    await cached.transaction((tx) => tx.grants.revoke('no-such-grant', 0));
    expect((await cached.applications.findByClientId('client-1'))?.name).toBe('Before');
    expect((await cached.users.find('u1'))?.name).toBe('Alice');
    // A nested unit of work that saves a user makes the whole cache fresh again.
    await cached.transaction((tx) => tx.transaction((nested) => nested.users.save(makeUser({ id: 'u2', username: 'bob' }))));
    expect((await cached.applications.findByClientId('client-1'))?.name).toBe('After');
    expect((await cached.users.find('u1'))?.name).toBe('Alicia');
  });

  it('does not remember that something was missing', async () => {
    const backend = memoryStores();
    const cached = withStoreCache(backend, manualClock(), 60);
    expect(await cached.applications.findBySlug('app-one')).toBeNull();
    await backend.applications.save(makeApplication());
    expect((await cached.applications.findBySlug('app-one'))?.id).toBe('app-1');
  });

  it('is the stores themselves with a zero setting', () => {
    const backend = memoryStores();
    expect(withStoreCache(backend, manualClock(), 0)).toBe(backend);
  });
});
