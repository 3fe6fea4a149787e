import { escapeHtml, renderPage } from './layout.js';

/** After the consent page of a device: the device learns the answer at its next poll. */
export function renderDeviceResultPage(input: { readonly decision: 'allow' | 'deny'; readonly applicationName: string }): string {
  const name = escapeHtml(input.applicationName);
  return input.decision === 'allow'
    ? renderPage('Device connected', `<h1>Device connected</h1><p>${name} now has access. You can return to your device.</p>`)
    : renderPage('Access denied', `<h1>Access denied</h1><p>${name} was not given access. You can return to your device and close this page.</p>`);
}
