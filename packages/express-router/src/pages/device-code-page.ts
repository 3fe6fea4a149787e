import type { Locale } from '../i18n/locale.js';
import { pageMessages } from '../i18n/page-catalog.js';
import type { PageMessages } from '../i18n/page-messages.js';
import { escapeHtml, renderPage } from './layout.js';
import { renderLocaleField } from './locale-field.js';

/** Why the code form is shown again: no code, a code the server does not know, a stale form. */
export type DeviceCodeProblem = keyof Pick<PageMessages['device'], 'missingCode' | 'unknownCode' | 'formExpired'>;

export interface DeviceCodePageInput {
  readonly action: string;
  readonly csrfField: string;
  readonly csrfToken: string;
  /** Pre-filled from `verification_uri_complete` (RFC 8628 §3.3.1), or the code as typed before. */
  readonly userCode?: string | undefined;
  readonly problem?: DeviceCodeProblem | undefined;
  readonly locale: Locale;
}

/**
 * The device page (RFC 8628 §3.3): one field, `user_code`. A pre-filled code is still submitted
 * by the user, never accepted on page load (RFC 8628 §5.4: the user confirms what they connect).
 * A problem is announced (`role="alert"`) and tied to the field it is about.
 */
export function renderDeviceCodePage(input: DeviceCodePageInput): string {
  const messages = pageMessages[input.locale].device;
  const problem = input.problem ? `<p class="error" id="user_code_error" role="alert">${messages[input.problem]}</p>` : '';
  const field = input.problem ? 'aria-describedby="user_code_error user_code_hint" aria-invalid="true"' : 'aria-describedby="user_code_hint"';
  return renderPage(
    messages.title,
    `<h1>${messages.title}</h1><p>${messages.instructions}</p>${problem}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="${escapeHtml(input.csrfField)}" value="${escapeHtml(input.csrfToken)}">
${renderLocaleField(input.locale)}
<label for="user_code">${messages.codeLabel}</label><input id="user_code" type="text" name="user_code" value="${escapeHtml(input.userCode ?? '')}" ${field} autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<p class="hint" id="user_code_hint">${messages.codeHint}</p>
<button class="primary" type="submit">${messages.submit}</button>
</form>`,
    input.locale,
  );
}
