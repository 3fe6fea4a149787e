import { systemClock, type Clock } from '../../clock.js';
import type { CodeCache, Consumed } from '../code-cache.js';

interface Entry {
  /** JSON, as Redis would hold it: every reader gets its own copy. */
  readonly json: string;
  readonly expiresAt: number;
  consumed: boolean;
}

/**
 * Single-use codes in this process's memory: the embedded default when no Redis is configured.
 * Expired entries are swept lazily, on access and every `sweepEvery` writes.
 */
export function memoryCodeCache(options: { clock?: Clock } = {}): CodeCache {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  const sweepEvery = 1000;
  let writes = 0;
  const live = (key: string): Entry | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return null;
    }
    return entry;
  };
  const sweep = () => {
    const now = clock.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return {
    put: async (key, value, ttlSeconds) => {
      if (++writes % sweepEvery === 0) sweep();
      entries.set(key, { json: JSON.stringify(value), expiresAt: clock.now() + ttlSeconds, consumed: false });
    },
    add: async (key, value, ttlSeconds) => {
      if (live(key)) return false;
      entries.set(key, { json: JSON.stringify(value), expiresAt: clock.now() + ttlSeconds, consumed: false });
      return true;
    },
    find: async <T>(key: string) => {
      const entry = live(key);
      return entry ? (JSON.parse(entry.json) as T) : null;
    },
    consume: async <T>(key: string): Promise<Consumed<T> | null> => {
      const entry = live(key);
      if (!entry) return null;
      const alreadyConsumed = entry.consumed;
      entry.consumed = true;
      return { value: JSON.parse(entry.json) as T, alreadyConsumed };
    },
    delete: async (key) => void entries.delete(key),
  };
}
