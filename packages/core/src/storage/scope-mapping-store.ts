/**
 * A scope mapping managed at run time (management API, seed file): a scope, its consent text and
 * the user fields its claims come from, as `declarativeScopeMapping` understands them.
 */
export interface StoredScopeMapping {
  /** An RFC 6749 §3.3 scope-token. */
  readonly scope: string;
  readonly description: string;
  /** claim name → path of a user field: `{ roles: "user.groups" }`. */
  readonly claims: Readonly<Record<string, string>>;
  /** Epoch seconds of the last save. */
  readonly updatedAt: number;
}

/** Declarative scope mappings, on top of the ones given to the server in code. */
export interface ScopeMappingStore {
  /** Every stored mapping, by scope name. */
  list(): Promise<readonly StoredScopeMapping[]>;
  /** Creates the mapping, or replaces the one with the same scope. */
  save(mapping: StoredScopeMapping): Promise<void>;
  /** Removes the mapping of `scope`; false when there was none. */
  delete(scope: string): Promise<boolean>;
}
