import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** Name of the hidden form field that carries the CSRF token. */
export const csrfField = 'csrf_token';

const cookieName = (req: Request) => (req.secure ? '__Host-gatehouse-csrf' : 'gatehouse-csrf');

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The CSRF token to put in a form (double-submit cookie): the browser's existing token, or a new
 * one set as an HttpOnly, SameSite=Lax cookie (Secure under https).
 */
export function csrfToken(req: Request, res: Response): string {
  const existing = readCookie(req, cookieName(req));
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${cookieName(req)}=${token}; Path=/; HttpOnly; SameSite=Lax${secure}`);
  return token;
}

/** True when the submitted form token equals the browser's CSRF cookie. */
export function verifyCsrfToken(req: Request, submitted: string | undefined): boolean {
  const expected = readCookie(req, cookieName(req));
  if (!expected || !submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
