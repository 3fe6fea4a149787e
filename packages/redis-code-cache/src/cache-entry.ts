/**
 * How an entry sits in Redis: one string, a one-byte consumed flag followed by the JSON value.
 * One key per entry keeps every command on one hash slot (Redis Cluster), `SET ... PX` writes
 * value and TTL in one command, and the consume script flips the flag with `SETRANGE`, which
 * keeps the TTL.
 */
export const freshFlag = '0';
export const consumedFlag = '1';

/** The stored form of a value that has not been consumed yet. */
export function encodeEntry(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  // JSON.stringify answers undefined for undefined, functions and symbols: nothing to store.
  if (json === undefined) throw new TypeError('a CodeCache value must be JSON-serialisable');
  return freshFlag + json;
}

/** The value and consumed flag of a stored entry. */
export function decodeEntry<T>(entry: string): { readonly value: T; readonly consumed: boolean } {
  const flag = entry.charAt(0);
  if (flag !== freshFlag && flag !== consumedFlag) throw new Error('not a Gatehouse CodeCache entry');
  return { value: JSON.parse(entry.slice(1)) as T, consumed: flag === consumedFlag };
}
