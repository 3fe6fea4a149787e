import { escapeHtml, renderPage } from './layout.js';

export interface DeviceCodePageInput {
  readonly action: string;
  readonly csrfField: string;
  readonly csrfToken: string;
  /** Pre-filled from `verification_uri_complete` (RFC 8628 §3.3.1), or the code as typed before. */
  readonly userCode?: string | undefined;
  readonly error?: string | undefined;
}

/**
 * The device page (RFC 8628 §3.3): one field, `user_code`. A pre-filled code is still submitted
 * by the user, never accepted on page load (RFC 8628 §5.4: the user confirms what they connect).
 */
export function renderDeviceCodePage(input: DeviceCodePageInput): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return renderPage(
    'Connect a device',
    `<h1>Connect a device</h1><p>Enter the code shown on your device.</p>${error}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="${escapeHtml(input.csrfField)}" value="${escapeHtml(input.csrfToken)}">
<label for="user_code">Code</label><input id="user_code" type="text" name="user_code" value="${escapeHtml(input.userCode ?? '')}" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<button class="primary" type="submit">Continue</button>
</form>`,
  );
}
