/**
 * Where to go after login: only a path on this server, so the login page cannot be turned into
 * an open redirect (`//evil.example`, `/\evil.example` and absolute URLs fall back to `/`).
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return /[\u0000-\u001f]/.test(next) ? '/' : next;
}
