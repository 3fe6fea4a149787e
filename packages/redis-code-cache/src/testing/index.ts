/**
 * `@gatehouse/redis-code-cache/testing`: a throwaway `redis-server` for outage tests.
 *
 * @example
 * const server = await startRedisServer(await freePort());
 * await server.kill();
 */
export { redisServerInstalled, startRedisServer } from './redis-server-process.js';
export type { RedisServerProcess } from './redis-server-process.js';
export { freePort } from './free-port.js';
