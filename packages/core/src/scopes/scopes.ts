/** Splits a `scope` parameter (RFC 6749 §3.3: space-delimited, order irrelevant) into unique names. */
export function parseScope(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(' ').filter((scope) => scope !== ''))];
}

/** The wire form of a scope list. */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * The scopes an application receives: what it asked for and may have; `defaults` (everything it
 * may have, unless told otherwise) when it asked for nothing (authentik's default, behaviour spec §4.2).
 */
export function narrowScopes(
  requested: readonly string[],
  allowed: readonly string[],
  defaults: readonly string[] = allowed,
): { readonly granted: string[]; readonly dropped: string[] } {
  if (requested.length === 0) return { granted: [...defaults], dropped: [] };
  const allowedSet = new Set(allowed);
  return {
    granted: requested.filter((scope) => allowedSet.has(scope)),
    dropped: requested.filter((scope) => !allowedSet.has(scope)),
  };
}
