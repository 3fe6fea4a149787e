import type { ConsentOutcome } from '@gatehouse/core';
import { escapeHtml, renderPage } from './layout.js';

/** The consent page; its form posts `interaction`, `csrf_token` and `decision` = allow | deny. */
export function renderConsentPage(consent: ConsentOutcome, action: string, csrfField: string, csrfToken: string): string {
  const name = escapeHtml(consent.application.name);
  const scopes = consent.scopes.map((scope) => `<li>${escapeHtml(scope.description)}</li>`).join('');
  return renderPage(
    `Authorize ${consent.application.name}`,
    `<h1>${name} wants to sign you in</h1><p>You're about to sign into ${name}. It asks for:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="interaction" value="${escapeHtml(consent.interactionId)}">
<input type="hidden" name="${csrfField}" value="${escapeHtml(csrfToken)}">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
