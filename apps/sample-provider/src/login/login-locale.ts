import type { IncomingMessage } from 'node:http';
import { requestLocale, type Locale } from '@gatehouse/express-router';

/**
 * The login page's language: the `ui_locales` of the request it signs in for, which the router
 * carries in `next` (OIDC Core §3.1.2.1), else the browser's Accept-Language.
 */
export function loginLocale(req: Pick<IncomingMessage, 'headers'>, next: string): Locale {
  // `next` is a path on this server (safeNext): any base resolves it.
  return requestLocale(req, new URL(next, 'http://next.invalid').searchParams.get('ui_locales') ?? undefined);
}
