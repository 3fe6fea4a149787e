import { createHash } from 'node:crypto';

/**
 * The `sid` of a browser session as tokens and grants carry it: SHA-256 hex of the host's session
 * id, so the id itself (a bearer credential in the cookie) never leaves the server
 * (OIDC Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.4).
 */
export function sessionSid(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}
