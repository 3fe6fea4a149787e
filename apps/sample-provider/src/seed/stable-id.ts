import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from a seed entry's natural key, so that applying the same seed again
 * (or after a restart of the in-memory store) yields the same ids and the same `sub` values.
 */
export function stableId(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}\u0000${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
