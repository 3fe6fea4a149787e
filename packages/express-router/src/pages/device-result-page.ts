import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import { escapeHtml, renderPage } from './layout.js';

/** After the consent page of a device: the device learns the answer at its next poll. */
export function renderDeviceResultPage(input: { readonly decision: 'allow' | 'deny'; readonly applicationName: string; readonly locale: Locale }): string {
  const messages = pageMessages[input.locale].device;
  const name = escapeHtml(input.applicationName);
  return input.decision === 'allow'
    ? renderPage(messages.connectedTitle, `<h1>${messages.connectedTitle}</h1><p>${messages.connected(name)}</p>`, input.locale)
    : renderPage(messages.deniedTitle, `<h1>${messages.deniedTitle}</h1><p>${messages.denied(name)}</p>`, input.locale);
}
