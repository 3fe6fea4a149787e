import { escapeHtml, renderPage } from './layout.js';

/** What the browser sees after an end-session request without a usable post-logout redirect URI. */
export function renderSignedOutPage(applicationName: string, signedOut: boolean): string {
  const from = applicationName === '' ? '' : ` Return to ${escapeHtml(applicationName)} to sign in again.`;
  return signedOut
    ? renderPage('Signed out', `<h1>You have been signed out</h1><p>Your session has ended.${from}</p>`)
    : renderPage('Still signed in', '<h1>You are still signed in</h1><p>Your session was not ended. You can close this page.</p>');
}
