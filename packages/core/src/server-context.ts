import type { Clock } from './clock.js';
import type { Settings } from './config/schema.js';
import type { Hooks } from './hooks.js';
import type { KeyRing } from './keys/key-ring.js';
import type { KeySets } from './keys/key-sets.js';
import type { ScopeMapping } from './scopes/scope-mapping.js';
import type { CodeCache } from './storage/code-cache.js';
import type { EventBuffer } from './storage/event-buffer.js';
import type { Stores } from './storage/stores.js';

/**
 * Everything the endpoint functions work with, assembled once by createAuthorizationServer.
 * Handlers take a `Pick` of it, so each one names what it reads.
 */
export interface ServerContext {
  readonly settings: Settings;
  readonly stores: Stores;
  readonly codes: CodeCache;
  readonly keys: KeyRing;
  /** Public keys of other parties (clients, federation sources). */
  readonly keySets: KeySets;
  readonly clock: Clock;
  readonly scopeMappings: ReadonlyMap<string, ScopeMapping>;
  readonly hooks: Hooks;
  /** Audit events written after the response (`token_issued`), in batches. */
  readonly eventBuffer: EventBuffer;
}
