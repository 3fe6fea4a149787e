import type { ConsentOutcome } from '@gatehouse/core';
import { describeScope } from '../i18n/describe-scope.js';
import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import { escapeHtml, renderPage } from './layout.js';
import { renderLocaleField } from './locale-field.js';

/**
 * The consent page; its form posts `interaction`, `csrf_token`, `ui_locales` and `decision` =
 * allow | deny. When the user allowed some scopes before, the new ones come first, each marked
 * with a word (not only a colour), and the earlier ones follow.
 */
export function renderConsentPage(consent: ConsentOutcome, action: string, csrfField: string, csrfToken: string, locale: Locale): string {
  const messages = pageMessages[locale];
  const name = escapeHtml(consent.application.name);
  const item = (scope: ConsentOutcome['scopes'][number], marked: boolean) =>
    `<li>${marked ? `<span class="new">${messages.consent.newScope}</span> ` : ''}${escapeHtml(describeScope(scope, messages))}</li>`;
  const list = (granted: boolean, marked: boolean) =>
    consent.scopes.filter((scope) => scope.granted === granted).map((scope) => item(scope, marked)).join('');
  const asks = consent.scopes.some((scope) => scope.granted) && consent.scopes.some((scope) => !scope.granted)
    ? `<h2>${messages.consent.asksForMore}</h2><ul>${list(false, true)}</ul><h2>${messages.consent.alreadyAllowed}</h2><ul>${list(true, false)}</ul>`
    : `<h2>${messages.consent.asksFor}</h2><ul>${list(false, false)}${list(true, false)}</ul>`;
  return renderPage(
    messages.consent.title(consent.application.name),
    `<h1>${messages.consent.heading(name)}</h1><p>${messages.consent.signingInAs(name, `<strong>${escapeHtml(consent.user.username)}</strong>`)}</p>${asks}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(consent.interactionId)}">
<input type="hidden" name="${csrfField}" value="${escapeHtml(csrfToken)}">
${renderLocaleField(locale)}
<button class="primary" type="submit" name="decision" value="allow">${messages.consent.allow}</button>
<button type="submit" name="decision" value="deny">${messages.consent.deny}</button>
</form>`,
    locale,
  );
}
