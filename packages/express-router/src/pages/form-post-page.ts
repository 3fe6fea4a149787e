import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import { escapeHtml, renderPage } from './layout.js';

/**
 * OAuth 2.0 Form Post Response Mode §2: an auto-submitting form to the redirect URI. The button
 * makes it work without JavaScript.
 */
export function renderFormPostPage(redirectUri: string, parameters: Readonly<Record<string, string>>, scriptNonce: string, locale: Locale): string {
  const messages = pageMessages[locale].formPost;
  const inputs = Object.entries(parameters)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return renderPage(
    messages.title,
    `<form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>${messages.explanation}</p></noscript>
<button class="primary" type="submit">${messages.submit}</button></form>
<script nonce="${scriptNonce}">document.forms[0].submit()</script>`,
    locale,
  );
}
