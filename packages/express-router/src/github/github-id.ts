import { createHash } from 'node:crypto';

/**
 * A stable positive 32-bit integer for a GitHub object (GitHub ids are integers; clients store
 * them in int columns). Derived from the kind and a natural key, so it survives restarts and is
 * the same on every instance.
 *
 * @example
 * githubId('User', user.id); // the same number every time
 */
export function githubId(kind: 'User' | 'Team' | 'Organization', key: string): number {
  const value = createHash('sha256').update(`${kind}\u0000${key}`).digest().readUInt32BE(0) & 0x7fffffff;
  return value === 0 ? 1 : value;
}

/** A GraphQL node id in GitHub's legacy encoding: base64 of `0<length>:<Type><id>` (`MDQ6VXNlcjE=` for user 1). */
export function nodeId(kind: 'User' | 'Team' | 'Organization', id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
}
