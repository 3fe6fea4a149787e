import type { LogoutConfirmationOutcome } from '@gatehouse/core';
import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import { escapeHtml, renderPage } from './layout.js';
import { renderLocaleField } from './locale-field.js';

/**
 * Asks the signed-in user whether to sign out (DESIGN.md §6): the form posts `interaction`,
 * `csrf_token`, `ui_locales` and `decision` = allow (sign out) | deny.
 */
export function renderLogoutConfirmationPage(outcome: LogoutConfirmationOutcome, action: string, csrfField: string, csrfToken: string, locale: Locale): string {
  const messages = pageMessages[locale].logout;
  const who = outcome.user ? messages.signedInAs(`<strong>${escapeHtml(outcome.user.username)}</strong>`) : messages.signedIn;
  return renderPage(
    messages.title,
    `<h1>${messages.heading}</h1><p>${messages.asks(escapeHtml(outcome.application.name))} ${who}</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(outcome.interactionId)}">
<input type="hidden" name="${csrfField}" value="${escapeHtml(csrfToken)}">
${renderLocaleField(locale)}
<button class="primary" type="submit" name="decision" value="allow">${messages.signOut}</button>
<button type="submit" name="decision" value="deny">${messages.stay}</button>
</form>`,
    locale,
  );
}
