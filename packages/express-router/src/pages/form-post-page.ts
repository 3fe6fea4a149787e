import { escapeHtml, renderPage } from './layout.js';

/**
 * OAuth 2.0 Form Post Response Mode §2: an auto-submitting form to the redirect URI. The button
 * makes it work without JavaScript.
 */
export function renderFormPostPage(redirectUri: string, parameters: Readonly<Record<string, string>>, scriptNonce: string): string {
  const inputs = Object.entries(parameters)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return renderPage(
    'Redirecting',
    `<form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>Continue to the application.</p></noscript>
<button class="primary" type="submit">Continue</button></form>
<script nonce="${scriptNonce}">document.forms[0].submit()</script>`,
  );
}
