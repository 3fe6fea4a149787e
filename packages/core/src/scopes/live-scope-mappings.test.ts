import { memoryStores } from '../storage/memory/memory-stores.js';
import type { ScopeMappingStore, StoredScopeMapping } from '../storage/scope-mapping-store.js';
import { makeApplication, makeUser, manualClock } from '../testing/fixtures.js';
import { createLiveScopeMappings } from './live-scope-mappings.js';
import { builtInScopeMappings } from './scope-mapping.js';

const user = makeUser({ username: 'alice', groups: ['staff'] });
const context = { application: makeApplication(), scopes: [] };
const stored = (scope: string, claims: Record<string, string>, description = `About ${scope}`): StoredScopeMapping => ({ scope, description, claims, updatedAt: 0 });

function setUp(cacheSeconds = 5) {
  const stores = memoryStores();
  const clock = manualClock();
  let changes = 0;
  const mappings = createLiveScopeMappings({
    configured: builtInScopeMappings,
    store: stores.scopeMappings,
    events: stores.events,
    clock,
    cacheSeconds,
    onChange: () => changes++,
  });
  return { stores, clock, mappings, changes: () => changes };
}

describe('createLiveScopeMappings', () => {
  it('puts stored mappings on top of the configured ones, except openid and offline_access', async () => {
    const { stores, mappings } = setUp();
    await stores.scopeMappings.save(stored('roles', { roles: 'user.groups' }));
    await stores.scopeMappings.save(stored('profile', { login: 'user.username' }, 'Your login'));
    await stores.scopeMappings.save(stored('openid', { login: 'user.username' }));
    await mappings.reload();
    expect(await mappings.current.get('roles')!.claims(user, context)).toEqual({ roles: ['staff'] });
    expect(mappings.current.get('profile')!.description).toBe('Your login');
    expect(await mappings.current.get('openid')!.claims(user, context)).toEqual({});
    expect(mappings.current.get('email')).toBe(builtInScopeMappings.find((mapping) => mapping.scope === 'email'));
  });

  it('updates the same map in place, and tells only of real changes', async () => {
    const { stores, mappings, changes } = setUp();
    const map = mappings.current;
    await mappings.reload();
    expect(changes()).toBe(1);
    await mappings.reload();
    expect(changes()).toBe(1);
    await stores.scopeMappings.save(stored('roles', { roles: 'user.groups' }));
    await mappings.reload();
    expect(changes()).toBe(2);
    expect(mappings.current).toBe(map);
    await stores.scopeMappings.delete('roles');
    await mappings.reload();
    expect(map.has('roles')).toBe(false);
  });

  it('makes the first request wait for the first load, later ones never', async () => {
    const { stores, clock, mappings } = setUp(5);
    await stores.scopeMappings.save(stored('roles', { roles: 'user.groups' }));
    const first = mappings.ensureFresh();
    expect(first).toBeInstanceOf(Promise);
    await first;
    expect(mappings.current.has('roles')).toBe(true);

    await stores.scopeMappings.delete('roles');
    clock.advance(4);
    expect(mappings.ensureFresh()).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(mappings.current.has('roles')).toBe(true);
    clock.advance(1);
    // Stale: reloaded in the background, the request goes on at once.
    expect(mappings.ensureFresh()).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(mappings.current.has('roles')).toBe(false);
  });

  it('after a failed background reload, waits the cache time again before the next try', async () => {
    const clock = manualClock();
    let calls = 0;
    let failing = false;
    const store: ScopeMappingStore = {
      list: async () => {
        calls++;
        if (failing) throw new Error('connection refused');
        return [stored('roles', { roles: 'user.groups' })];
      },
      save: async () => undefined,
      delete: async () => false,
    };
    const mappings = createLiveScopeMappings({ configured: [], store, events: memoryStores().events, clock, cacheSeconds: 5, onChange: () => undefined });
    await mappings.reload();
    failing = true;
    clock.advance(5);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    for (let request = 0; request < 3; request++) {
      expect(mappings.ensureFresh()).toBeUndefined();
      await settle();
    }
    expect(calls).toBe(2);
    expect(mappings.current.has('roles')).toBe(true);
    clock.advance(5);
    expect(mappings.ensureFresh()).toBeUndefined();
    await settle();
    expect(calls).toBe(3);
  });

  it('never lets an older reload undo a newer one', async () => {
    const { clock } = setUp();
    const answers: ((mappings: StoredScopeMapping[]) => void)[] = [];
    const store: ScopeMappingStore = {
      list: () => new Promise((resolve) => answers.push(resolve)),
      save: async () => undefined,
      delete: async () => false,
    };
    const mappings = createLiveScopeMappings({ configured: [], store, events: memoryStores().events, clock, cacheSeconds: 5, onChange: () => undefined });
    const older = mappings.reload();
    const newer = mappings.reload();
    answers[1]!([stored('roles', { roles: 'user.groups' })]);
    await newer;
    answers[0]!([]);
    await older;
    expect([...mappings.current.keys()]).toEqual(['roles']);
  });

  it('leaves out a stored mapping it cannot use, and reports it once as a configuration_error', async () => {
    const { stores, mappings } = setUp();
    await stores.scopeMappings.save(stored('secret', { hash: 'user.passwordHash' }));
    await stores.scopeMappings.save(stored('roles', { roles: 'user.groups' }));
    await mappings.reload();
    await mappings.reload();
    expect(mappings.current.has('secret')).toBe(false);
    expect(mappings.current.has('roles')).toBe(true);
    expect(stores.recordedEvents).toEqual([
      { action: 'configuration_error', at: expect.any(Number), context: { message: "Failed to compile stored scope mapping: 'secret'", error: expect.stringContaining('user.passwordHash') } },
    ]);
  });
});
