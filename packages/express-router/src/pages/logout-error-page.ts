import type { OAuthError } from '@gatehouse/core';
import { escapeHtml, renderPage } from './layout.js';

/** Shown when an end-session request cannot be trusted (invalid hint, foreign client): never a redirect. */
export function renderLogoutErrorPage(error: OAuthError, requestId: string): string {
  return renderPage(
    'Sign-out error',
    `<h1>This sign-out request cannot be completed</h1><p class="error">${escapeHtml(error.description)}</p>
<p><small>error: ${escapeHtml(error.code)} · request id: ${escapeHtml(requestId)}</small></p>`,
  );
}
