import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import { escapeHtml, renderPage } from './layout.js';

/** What the browser sees after an end-session request without a usable post-logout redirect URI. */
export function renderSignedOutPage(applicationName: string, signedOut: boolean, locale: Locale): string {
  const messages = pageMessages[locale].logout;
  const from = applicationName === '' ? '' : ` ${messages.returnTo(escapeHtml(applicationName))}`;
  return signedOut
    ? renderPage(messages.signedOutTitle, `<h1>${messages.signedOutHeading}</h1><p>${messages.sessionEnded}${from}</p>`, locale)
    : renderPage(messages.stillTitle, `<h1>${messages.stillHeading}</h1><p>${messages.stillBody}</p>`, locale);
}
