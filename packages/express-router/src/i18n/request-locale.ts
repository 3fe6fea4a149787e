import type { IncomingMessage } from 'node:http';
import type { Locale } from './locale.js';
import { negotiateLocale } from './negotiate-locale.js';

/** The language of a page for this request: its `ui_locales` when it has one, else the browser's Accept-Language. */
export function requestLocale(req: Pick<IncomingMessage, 'headers'>, uiLocales: string | undefined): Locale {
  return negotiateLocale(uiLocales, req.headers['accept-language']);
}
