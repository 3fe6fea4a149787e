const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Merges `source` into `target` the way authentik merges mapping results: nested objects merge,
 * lists concatenate, and any other value from `source` replaces the one in `target`.
 */
export function deepMerge(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) target[key] = deepMerge({ ...existing }, value);
    else if (Array.isArray(existing) && Array.isArray(value)) target[key] = [...existing, ...value];
    else target[key] = value;
  }
  return target;
}
