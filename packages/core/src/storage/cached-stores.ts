import type { Clock } from '../clock.js';
import type { Stores } from './stores.js';

interface Entry<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

/** Memoises a lookup per key for `seconds`; misses (null) and failures are not kept. */
function memo<T>(clock: Clock, seconds: number, lookup: (key: string) => Promise<T | null>) {
  const entries = new Map<string, Entry<T | null>>();
  return {
    get(key: string): Promise<T | null> {
      const entry = entries.get(key);
      if (entry && clock.now() - entry.at < seconds) return entry.value;
      const value = lookup(key);
      entries.set(key, { at: clock.now(), value });
      value.then((found) => found ?? entries.delete(key), () => entries.delete(key));
      return value;
    },
    clear: () => entries.clear(),
  };
}

/**
 * Applications and users read through a short-lived cache: the token endpoint looks up its
 * client (and a machine's service account) on every request, and a database round trip each
 * time is most of what a durable store costs (DESIGN.md §8). Writes through these stores clear
 * the cache at once; another process's writes are seen within `seconds`.
 */
export function withStoreCache(stores: Stores, clock: Clock, seconds: number): Stores {
  if (seconds <= 0) return stores;
  const byClientId = memo(clock, seconds, (clientId) => stores.applications.findByClientId(clientId));
  const bySlug = memo(clock, seconds, (slug) => stores.applications.findBySlug(slug));
  const usersById = memo(clock, seconds, (id) => stores.users.find(id));
  const usersByName = memo(clock, seconds, (username) => stores.users.findByUsername(username));
  const clear = () => [byClientId, bySlug, usersById, usersByName].forEach((cache) => cache.clear());
  const afterwards = async <T>(write: Promise<T>): Promise<T> => {
    try {
      return await write;
    } finally {
      clear();
    }
  };
  return {
    ...stores,
    applications: {
      ...stores.applications,
      findByClientId: (clientId) => byClientId.get(clientId),
      findBySlug: (slug) => bySlug.get(slug),
      save: (application) => afterwards(stores.applications.save(application)),
      registerRedirectUri: (id, url) => afterwards(stores.applications.registerRedirectUri(id, url)),
      delete: (id, at) => afterwards(stores.applications.delete(id, at)),
    },
    users: {
      ...stores.users,
      find: (id) => usersById.get(id),
      findByUsername: (username) => usersByName.get(username),
      save: (user) => afterwards(stores.users.save(user)),
      deleteGroup: (name) => afterwards(stores.users.deleteGroup(name)),
    },
    transaction: async (work, options) => {
      let wrote = false;
      try {
        return await stores.transaction((tx) => work(markingWrites(tx, () => (wrote = true))), options);
      } finally {
        // Only a unit of work that saved an application or a user makes the cache stale: a code
        // exchange or a refresh rotation must not cost the next requests their cached client.
        if (wrote) clear();
      }
    },
  };
}

/** `stores` (a transaction's) calling `onWrite` when an application or a user is written, nested units of work included. */
function markingWrites(stores: Stores, onWrite: () => void): Stores {
  const { applications, users } = stores;
  return {
    ...stores,
    applications: {
      ...applications,
      save: (application) => (onWrite(), applications.save(application)),
      registerRedirectUri: (id, url) => (onWrite(), applications.registerRedirectUri(id, url)),
      delete: (id, at) => (onWrite(), applications.delete(id, at)),
    },
    users: { ...users, save: (user) => (onWrite(), users.save(user)), deleteGroup: (name) => (onWrite(), users.deleteGroup(name)) },
    transaction: (work, options) => stores.transaction((nested) => work(markingWrites(nested, onWrite)), options),
  };
}
