/** Commander's way to make an option repeatable: each occurrence appends its value. */
export function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
