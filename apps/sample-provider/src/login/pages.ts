import { csrfField, escapeHtml, pageMessages, renderPage, type Locale } from '@gatehouse/express-router';
import { siteMessages } from './site-messages.js';

/**
 * The login form: fields `username`, `password`, the CSRF token and where to go next. An error is
 * announced (`role="alert"`) and tied to the fields; the first empty field gets the focus.
 */
export function renderLoginPage(input: { readonly csrfToken: string; readonly next: string; readonly username?: string; readonly error?: string; readonly locale: Locale }): string {
  const messages = siteMessages[input.locale].login;
  const username = input.username ?? '';
  const error = input.error ? `<p class="error" id="login_error" role="alert">${escapeHtml(input.error)}</p>` : '';
  const described = input.error ? ' aria-describedby="login_error"' : '';
  return renderPage(
    messages.title,
    `<h1>${messages.heading}</h1>${error}
<form method="post" action="/login">
<input type="hidden" name="${csrfField}" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(input.next)}">
<label for="username">${messages.username}</label><input id="username" type="text" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" value="${escapeHtml(username)}"${described} required${username === '' ? ' autofocus' : ''}>
<label for="password">${messages.password}</label><input id="password" type="password" name="password" autocomplete="current-password"${described} required${username === '' ? '' : ' autofocus'}>
<button class="primary" type="submit">${messages.submit}</button>
</form>`,
    input.locale,
  );
}

/** The logout confirmation: button `decision` = allow (sign out) or deny. */
export function renderLogoutPage(input: { readonly csrfToken: string; readonly username: string; readonly locale: Locale }): string {
  const messages = pageMessages[input.locale].logout;
  return renderPage(
    messages.title,
    `<h1>${messages.title}</h1><p>${messages.signedInAs(`<strong>${escapeHtml(input.username)}</strong>`)}</p>
<form method="post" action="/logout">
<input type="hidden" name="${csrfField}" value="${escapeHtml(input.csrfToken)}">
<button class="primary" type="submit" name="decision" value="allow">${messages.signOut}</button>
<button type="submit" name="decision" value="deny">${messages.stay}</button>
</form>`,
    input.locale,
  );
}

/** The logout form's answer could not be read: no form again (its token may be the problem), a way back. */
export function renderUnreadableLogoutPage(locale: Locale): string {
  const title = pageMessages[locale].logout.title;
  return renderPage(title, `<h1>${title}</h1><p class="error" role="alert">${siteMessages[locale].login.unreadable}</p><p><a href="/logout">${siteMessages[locale].back}</a></p>`, locale);
}

/** The landing page. */
export function renderHomePage(input: { readonly username: string | null; readonly applications: readonly { readonly name: string; readonly discovery: string }[]; readonly locale: Locale }): string {
  const messages = siteMessages[input.locale].home;
  const who = input.username
    ? `<p>${messages.signedInAs(`<strong>${escapeHtml(input.username)}</strong>`)} <a href="/logout">${messages.signOut}</a></p>`
    : `<p>${messages.notSignedIn} <a href="/login">${messages.signIn}</a></p>`;
  const apps = input.applications
    .map((app) => `<li>${escapeHtml(app.name)}: <a href="${escapeHtml(app.discovery)}">${messages.discovery}</a></li>`)
    .join('');
  return renderPage(messages.title, `<h1>${messages.title}</h1>${who}<h2>${messages.applications}</h2><ul>${apps}</ul>`, input.locale);
}

/** The provider's own error pages: nothing at this address, a backend briefly away, a failure. */
export function renderSiteErrorPage(kind: 'not-found' | 'unavailable' | 'server-error', locale: Locale): string {
  const site = siteMessages[locale];
  const errors = pageMessages[locale].errors;
  const [title, text] =
    kind === 'not-found' ? [site.notFoundTitle, site.notFound] : kind === 'unavailable' ? [site.unavailableTitle, errors.unavailable] : [site.serverErrorTitle, errors.serverError];
  return renderPage(title, `<h1>${title}</h1><p>${text}</p>`, locale);
}
