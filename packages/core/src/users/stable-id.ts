import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from a natural key: applying the same seed twice, or two processes
 * creating the same generated service account at once, yield the same id (and `sub`).
 *
 * @example
 * stableId('user', 'alice'); // the same UUID every time
 */
export function stableId(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}\u0000${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
