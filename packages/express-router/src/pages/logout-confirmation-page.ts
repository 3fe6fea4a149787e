import type { LogoutConfirmationOutcome } from '@gatehouse/core';
import { escapeHtml, renderPage } from './layout.js';

/**
 * Asks the signed-in user whether to sign out (DESIGN.md §6): the form posts `interaction`,
 * `csrf_token` and `decision` = allow (sign out) | deny.
 */
export function renderLogoutConfirmationPage(outcome: LogoutConfirmationOutcome, action: string, csrfField: string, csrfToken: string): string {
  const who = outcome.user ? ` as <strong>${escapeHtml(outcome.user.username)}</strong>` : '';
  return renderPage(
    'Sign out',
    `<h1>Sign out?</h1><p>${escapeHtml(outcome.application.name)} asks to end your session. You are signed in${who}.</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(outcome.interactionId)}">
<input type="hidden" name="${csrfField}" value="${escapeHtml(csrfToken)}">
<button class="primary" type="submit" name="decision" value="allow">Sign out</button>
<button type="submit" name="decision" value="deny">Stay signed in</button>
</form>`,
  );
}
