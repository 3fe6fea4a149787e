/**
 * Where `value` (a request's parameters, query or JSON body) holds a NUL character, as an issue
 * path (`body.name`), or null. PostgreSQL stores no NUL in text or jsonb: such input is refused
 * up front, the same way on every store, instead of failing in the database.
 */
export function nulCharacterPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = key.includes('\u0000') ? `${path}.${key.replace(/\u0000/g, '\\0')}` : nulCharacterPath(inner, `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}
