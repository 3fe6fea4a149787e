import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1's base-20 alphabet: letters only (nothing to confuse with 0/O or 1/I) and no
 * vowels, so no words are spelled by accident. 20^8 ≈ 2^34.6 codes; guesses are rate-limited.
 */
const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
const length = 8;
const wellFormed = new RegExp(`^[${alphabet}]{${length}}$`);

/** A new user code, normalised (`WDJBMJHT`); {@link formatUserCode} gives its display form. */
export function generateUserCode(): string {
  let code = '';
  // randomInt is uniform: no modulo bias towards the first letters.
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/** The form shown to the user and sent to the device: two groups of four, `WDJB-MJHT`. */
export function formatUserCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`;
}

/**
 * The code as typed, normalised (RFC 8628 §6.1: case-insensitive, punctuation ignored), or null
 * when it cannot be a code of this server: `wdjb mjht`, `WDJB-MJHT` and `wdjbmjht` are the same.
 */
export function normalizeUserCode(typed: string | undefined): string | null {
  if (typed === undefined) return null;
  const normalized = typed.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return wellFormed.test(normalized) ? normalized : null;
}
