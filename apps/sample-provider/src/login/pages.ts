import { csrfField, escapeHtml, renderPage } from '@gatehouse/express-router';

/** The login form: fields `username`, `password`, the CSRF token and where to go next. */
export function renderLoginPage(input: { readonly csrfToken: string; readonly next: string; readonly username?: string; readonly error?: string }): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return renderPage(
    'Sign in',
    `<h1>Sign in to Gatehouse</h1>${error}
<form method="post" action="/login">
<input type="hidden" name="${csrfField}" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(input.next)}">
<label for="username">Username</label><input id="username" type="text" name="username" autocomplete="username" value="${escapeHtml(input.username ?? '')}" required autofocus>
<label for="password">Password</label><input id="password" type="password" name="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>`,
  );
}

/** The logout confirmation: button `decision` = allow (sign out) or deny. */
export function renderLogoutPage(input: { readonly csrfToken: string; readonly username: string }): string {
  return renderPage(
    'Sign out',
    `<h1>Sign out</h1><p>You are signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
<form method="post" action="/logout">
<input type="hidden" name="${csrfField}" value="${escapeHtml(input.csrfToken)}">
<button class="primary" type="submit" name="decision" value="allow">Sign out</button>
<button type="submit" name="decision" value="deny">Stay signed in</button>
</form>`,
  );
}

/** The landing page. */
export function renderHomePage(input: { readonly username: string | null; readonly applications: readonly { readonly name: string; readonly discovery: string }[] }): string {
  const who = input.username
    ? `<p>Signed in as <strong>${escapeHtml(input.username)}</strong>. <a href="/logout">Sign out</a></p>`
    : '<p>Not signed in. <a href="/login">Sign in</a></p>';
  const apps = input.applications
    .map((app) => `<li>${escapeHtml(app.name)}: <a href="${escapeHtml(app.discovery)}">discovery</a></li>`)
    .join('');
  return renderPage('Gatehouse', `<h1>Gatehouse</h1>${who}<h2>Applications</h2><ul>${apps}</ul>`);
}
