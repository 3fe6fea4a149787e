import type { ConsentOutcome } from '@gatehouse/core';
import { escapeHtml, renderPage } from './layout.js';

/** The consent page; its form posts `interaction`, `csrf_token` and `decision` = allow | deny. */
export function renderConsentPage(consent: ConsentOutcome, action: string, csrfField: string, csrfToken: string): string {
  const name = escapeHtml(consent.application.name);
  const list = (granted: boolean) =>
    consent.scopes.filter((scope) => scope.granted === granted).map((scope) => `<li>${escapeHtml(scope.description)}</li>`).join('');
  const fresh = list(false);
  const earlier = list(true);
  const asks = earlier === '' || fresh === ''
    ? `<p>It asks for:</p><ul>${fresh}${earlier}</ul>`
    : `<p>It asks for additional permissions:</p><ul class="new">${fresh}</ul><p>You already allowed:</p><ul>${earlier}</ul>`;
  return renderPage(
    `Authorize ${consent.application.name}`,
    `<h1>${name} wants to sign you in</h1><p>You're about to sign into ${name} as <strong>${escapeHtml(consent.user.username)}</strong>.</p>${asks}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(consent.interactionId)}">
<input type="hidden" name="${csrfField}" value="${escapeHtml(csrfToken)}">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
