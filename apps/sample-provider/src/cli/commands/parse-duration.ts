const units: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds from `3600`, `90m`, `12h` or `30d`; a clear error for anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * units[match[2] || 's']! : 0;
  if (seconds <= 0) throw new Error(`${text} is not a duration: a positive number of seconds, or with a unit (90m, 12h, 30d)`);
  return seconds;
}
