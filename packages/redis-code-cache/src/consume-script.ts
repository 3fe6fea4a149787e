import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { consumedFlag, freshFlag } from './cache-entry.js';

// Reads the entry and marks it consumed in one step, so exactly one concurrent caller sees the
// fresh flag. It marks rather than deletes: the entry stays until its TTL so a replayed code is
// recognised (RFC 6749 §4.1.2: revoke the tokens issued from it). Only KEYS[1] is touched,
// which keeps the script valid on Redis Cluster.
const source = `
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
if string.sub(entry, 1, 1) == '${freshFlag}' then redis.call('SETRANGE', KEYS[1], 0, '${consumedFlag}') end
return entry
`;
const sha1 = createHash('sha1').update(source).digest('hex');

/** The atomic consume, as a Lua script: answers the entry as it was before, or null when absent. */
export const consumeScript: {
  readonly source: string;
  readonly sha1: string;
  run(redis: Redis | Cluster, key: string): Promise<string | null>;
} = {
  source,
  sha1,
  async run(redis, key) {
    try {
      return (await redis.evalsha(sha1, 1, key)) as string | null;
    } catch (error) {
      // The script cache lives in server memory: a restarted or failed-over node has forgotten it.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(source, 1, key)) as string | null;
    }
  },
};
