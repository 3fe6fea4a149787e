import type { OAuthError } from '@gatehouse/core';
import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import type { PageMessages } from '../i18n/page-messages.js';
import { escapeHtml, renderPage } from './layout.js';

type Explanation = keyof Pick<PageMessages['errors'], 'invalidRequest' | 'accessDenied' | 'notFound' | 'tooManyAttempts' | 'unavailable' | 'serverError'>;

/** What a person is told, in their language; the server's description (English) follows as the detail. */
function explanationOf(error: OAuthError): Explanation {
  if (error.status === 429 || error.code === 'slow_down') return 'tooManyAttempts';
  if (error.status === 404) return 'notFound';
  if (error.status === 503 || error.code === 'temporarily_unavailable') return 'unavailable';
  if (error.status >= 500) return 'serverError';
  return error.code === 'access_denied' ? 'accessDenied' : 'invalidRequest';
}

/**
 * Shown instead of a redirect when the request cannot be answered to the client: an untrusted
 * client or redirect URI (`flow` sign-in), an untrusted end-session request (`flow` sign-out),
 * or a failed device page.
 */
export function renderErrorPage(error: OAuthError, requestId: string, locale: Locale, flow: 'sign-in' | 'sign-out' = 'sign-in'): string {
  const messages = pageMessages[locale].errors;
  const [title, heading] = flow === 'sign-in' ? [messages.signInTitle, messages.signInHeading] : [messages.signOutTitle, messages.signOutHeading];
  return renderPage(
    title,
    `<h1>${heading}</h1><p class="error" role="alert">${messages[explanationOf(error)]}</p>
<p>${messages.details}: <span lang="en">${escapeHtml(error.description)}</span></p>
<p><small>${messages.errorCode}: ${escapeHtml(error.code)} · ${messages.requestId}: ${escapeHtml(requestId)}</small></p>`,
    locale,
  );
}
