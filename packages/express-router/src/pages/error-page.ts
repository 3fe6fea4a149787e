import type { OAuthError } from '@gatehouse/core';
import { escapeHtml, renderPage } from './layout.js';

/** Shown instead of a redirect when the client or its redirect URI cannot be trusted. */
export function renderErrorPage(error: OAuthError, requestId: string): string {
  return renderPage(
    'Sign-in error',
    `<h1>This sign-in request cannot be completed</h1><p class="error">${escapeHtml(error.description)}</p>
<p><small>error: ${escapeHtml(error.code)} · request id: ${escapeHtml(requestId)}</small></p>`,
  );
}
