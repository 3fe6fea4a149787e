import type { Request } from 'express';
import { invalidRequest } from './bearer-error.js';

// RFC 6750 §2.1: `Bearer` SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const bearerScheme = /^bearer(?: |$)/i;
const bearerCredentials = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** `access_token` of a form-encoded body (RFC 6750 §2.2), when the app parsed one. */
function bodyToken(req: Request): unknown {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || !req.is('application/x-www-form-urlencoded')) return undefined;
  return (body as Record<string, unknown>)['access_token'];
}

/**
 * The bearer token of a request, or null when it carries none (another scheme such as `Basic`
 * counts as none, RFC 6750 §3.1). A malformed `Bearer` header, a token in the URL or a token sent
 * more than one way is `invalid_request` (RFC 6750 §2, §3.1).
 */
export function readBearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  const fromHeader = header !== undefined && bearerScheme.test(header) ? header.match(bearerCredentials)?.[1] ?? null : undefined;
  if (fromHeader === null) throw invalidRequest('the Authorization header is not a valid Bearer credential');
  // RFC 9700 §2.4: tokens in URLs end up in logs and Referer headers; refused rather than used.
  if (new URL(req.originalUrl || req.url, 'http://request.invalid').searchParams.has('access_token')) {
    throw invalidRequest('access tokens are not accepted in the URL query');
  }
  const fromBody = bodyToken(req);
  if (fromBody !== undefined && typeof fromBody !== 'string') throw invalidRequest('access_token must be sent once');
  if (fromHeader !== undefined && fromBody !== undefined) throw invalidRequest('the access token was sent in more than one way');
  return fromHeader ?? fromBody ?? null;
}
