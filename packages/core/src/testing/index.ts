/**
 * `@gatehouse/core/testing`: the storage contract suite and the fixtures it is built from, for
 * adapter packages to run against their real backend (DESIGN §4).
 *
 * @example
 * import { describeStores } from '@gatehouse/core/testing';
 * describeStores('prismaStores', async () => ({ stores: prismaStores(client) }));
 */
export { describeCodeCache } from './code-cache-contract.js';
export { describeStores } from './stores-contract.js';
export type { CodeCacheFixture } from './code-cache-contract.js';
export type { StoresFixture } from './stores-contract.js';
export { makeApplication, makeUser, manualClock } from './fixtures.js';
export { describeRequiring, serviceAt } from './describe-requiring.js';
export type { Requirement } from './describe-requiring.js';
export type { ManualClock } from './fixtures.js';
