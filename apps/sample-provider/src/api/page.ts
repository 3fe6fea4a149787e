import { z } from 'zod';
import { ApiError } from './api-error.js';

/** `?limit=&cursor=` of every list operation. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('At most this many items (1 to 200).'),
  cursor: z.string().max(1024).optional().describe('The `next_cursor` of the previous page.'),
});

export type PageQuery = z.output<typeof pageQuerySchema>;

/** The body of every list operation: one page, and the cursor of the next one (null on the last page). */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export interface Page<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

// Cursors are opaque to clients: base64url JSON, read back through a schema so a forged one is a 400.
const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The position a cursor of this API stands for, or undefined without one; a 400 for anything else. */
export function readCursor<T>(cursor: string | undefined, position: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const result = position.safeParse(decoded);
  if (!result.success) {
    throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor of this list', [{ path: 'query.cursor', message: 'not a cursor of this list' }]);
  }
  return result.data;
}

/**
 * A page of a list the store pages itself: `fetched` holds up to `limit + 1` items from the
 * cursor's position on, the extra one only telling that there is a next page.
 */
export function pageFrom<T, V>(fetched: readonly T[], limit: number, positionOf: (last: T) => unknown, view: (item: T) => V): Page<V> {
  const items = fetched.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(view), next_cursor: fetched.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}

/** A page of a short list held whole (keys, groups, redirect URIs): the cursor is an offset. */
export function pageOf<T, V>(all: readonly T[], query: PageQuery, view: (item: T) => V): Page<V> {
  const offset = readCursor(query.cursor, z.number().int().min(0)) ?? 0;
  return pageFrom(all.slice(offset, offset + query.limit + 1), query.limit, () => offset + query.limit, view);
}
