/** The outcome of consuming a single-use entry. */
export interface Consumed<T> {
  readonly value: T;
  /** True when an earlier consume already took this entry: the caller treats it as a replay. */
  readonly alreadyConsumed: boolean;
}

/**
 * Short-lived, single-use artifacts (authorization codes, device codes, interactions), keyed by
 * a digest of the secret value, never by the value itself.
 */
export interface CodeCache {
  put(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * Stores the entry only when the key is absent (or expired), atomically: true for exactly one
   * of any number of concurrent calls. Replay guards (`jti`) are built on it.
   */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  /** The value, or null when absent or expired; does not consume. */
  find<T>(key: string): Promise<T | null>;
  /**
   * Atomically marks the entry consumed and returns it; exactly one of any number of concurrent
   * calls sees `alreadyConsumed: false`. Consumed entries stay until they expire, so replays can
   * still be recognised. Null when absent or expired.
   */
  consume<T>(key: string): Promise<Consumed<T> | null>;
  delete(key: string): Promise<void>;
}
