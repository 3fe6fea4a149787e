import type { IncomingMessage } from 'node:http';
import type { Locale } from './locale.js';
import { negotiateLocale } from './negotiate-locale.js';

/**
 * The language of a page for this request: its `ui_locales` when it has one, else the browser's Accept-Language.
 * @example
 * app.get('/hello', (req, res) => {
 *   const locale = requestLocale(req, typeof req.query.ui_locales === 'string' ? req.query.ui_locales : undefined);
 *   res.send(renderPage(pageMessages[locale].logout.signedOutTitle, '<h1>…</h1>', locale));
 * });
 */
export function requestLocale(req: Pick<IncomingMessage, 'headers'>, uiLocales: string | undefined): Locale {
  return negotiateLocale(uiLocales, req.headers['accept-language']);
}
