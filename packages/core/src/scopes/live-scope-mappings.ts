import type { Clock } from '../clock.js';
import type { EventSink } from '../storage/event-sink.js';
import type { ScopeMappingStore, StoredScopeMapping } from '../storage/scope-mapping-store.js';
import { declarativeScopeMapping } from './declarative-scope-mapping.js';
import { reservedScopes, type ScopeMapping } from './scope-mapping.js';

/** The scope mappings a server uses: the ones given in code, with the stored ones on top. */
export interface LiveScopeMappings {
  /** What the endpoints read, by scope; updated in place by each reload, never replaced. */
  readonly current: ReadonlyMap<string, ScopeMapping>;
  /** Reads the stored mappings now. A reload started earlier never undoes a later one. */
  reload(): Promise<void>;
  /**
   * Before an endpoint reads `current`: the first load to wait for, or nothing. Once loaded, a
   * map older than the cache time is reloaded in the background (one reload at a time) while
   * requests go on with the one they have: no request waits for the store after the first.
   */
  ensureFresh(): Promise<void> | undefined;
}

export interface LiveScopeMappingsOptions {
  /** Built-in and configured mappings, later ones winning by scope. */
  readonly configured: readonly ScopeMapping[];
  readonly store: ScopeMappingStore;
  /** Where a stored mapping that cannot be used is reported (`configuration_error`). */
  readonly events: EventSink;
  readonly clock: Clock;
  /** How old the stored mappings may get before a request reloads them (`storeCacheSeconds`, at least 1). */
  readonly cacheSeconds: number;
  /** Called when a reload changed the stored mappings, e.g. to drop published discovery documents. */
  readonly onChange: () => void;
}

/**
 * Stored mappings replace configured ones by scope, except the reserved openid and
 * offline_access; one that cannot be compiled (a path written by another tool) is left out.
 */
export function createLiveScopeMappings(options: LiveScopeMappingsOptions): LiveScopeMappings {
  const { configured, store, events, clock, onChange } = options;
  // At least a second even without a store cache: otherwise a busy server would read the store
  // back to back, one reload after the other, for mappings that change a few times a year.
  const cacheSeconds = Math.max(options.cacheSeconds, 1);
  const current = new Map(configured.map((mapping) => [mapping.scope, mapping]));
  let loadedAt: number | null = null;
  let applied = '';
  let started = 0;
  let newestApplied = 0;
  let firstLoad: Promise<void> | undefined;
  let background: Promise<void> | undefined;

  const apply = (stored: readonly StoredScopeMapping[]) => {
    const next = new Map(configured.map((mapping) => [mapping.scope, mapping]));
    const problems: { scope: string; error: string }[] = [];
    for (const mapping of stored) {
      if (reservedScopes.has(mapping.scope)) continue;
      try {
        next.set(mapping.scope, declarativeScopeMapping(mapping.scope, mapping.description, mapping.claims));
      } catch (error) {
        problems.push({ scope: mapping.scope, error: (error as Error).message });
      }
    }
    // Synchronous from here on: no request sees half a change.
    current.clear();
    for (const [scope, mapping] of next) current.set(scope, mapping);
    return problems;
  };

  const reload = async () => {
    const mine = ++started;
    const at = clock.now();
    const stored = await store.list();
    if (mine < newestApplied) return;
    newestApplied = mine;
    loadedAt = at;
    const signature = JSON.stringify(stored.map(({ scope, description, claims }) => [scope, description, claims]));
    if (signature === applied) return;
    applied = signature;
    const problems = apply(stored);
    onChange();
    for (const { scope, error } of problems) {
      // Reported once per change, not per reload; a failing sink must not fail the reload.
      void events
        .record({ action: 'configuration_error', at, context: { message: `Failed to compile stored scope mapping: '${scope}'`, error } })
        .catch(() => undefined);
    }
  };

  return {
    current,
    reload,
    ensureFresh() {
      if (loadedAt === null) return (firstLoad ??= reload().finally(() => (firstLoad = undefined)));
      if (background === undefined && clock.now() - loadedAt >= cacheSeconds) {
        // A store that fails now fails the requests that need it too; these mappings stay meanwhile,
        // and the next try waits as long as a success would (no reload per request while it is down).
        const triedAt = clock.now();
        background = reload()
          .catch(() => void (loadedAt = Math.max(loadedAt ?? triedAt, triedAt)))
          .finally(() => (background = undefined));
      }
      return undefined;
    },
  };
}
