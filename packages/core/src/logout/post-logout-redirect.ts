import type { Application } from '../clients/application.js';
import { isRegisteredRedirectUri } from '../authorize/redirect-uri.js';
import { invalidRequest } from '../errors/oauth-error.js';

// CVE-2024-21637: these schemes run script in the browser, whatever the registration says.
const forbiddenSchemes = new Set(['javascript:', 'data:', 'vbscript:']);

/**
 * Where to send the browser after logout (RP-Initiated Logout 1.0 §3): `uri` with `state`
 * appended, or null when it may not be used. It must match one of the application's `logout`
 * redirect URIs, strictly or by regex like authorization URIs (§3.1: registered values only),
 * and the application must be known from `id_token_hint` or `client_id` (§2: the OP must not
 * redirect on the word of an anonymous request). An unregistered URI is dropped, not an error
 * (authentik, behaviour spec §1.9); a script URI is refused outright.
 */
export function postLogoutRedirect(
  application: Application,
  uri: string | undefined,
  state: string | undefined,
  applicationKnown: boolean,
): string | null {
  if (uri === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return null;
  }
  if (forbiddenSchemes.has(parsed.protocol)) {
    throw invalidRequest('post_logout_redirect_uri uses a forbidden scheme', { redirectable: false });
  }
  if (!applicationKnown || !isRegisteredRedirectUri(application, uri, 'logout')) return null;
  // §3: state is passed back as a query parameter, next to any the registered URI carries.
  if (state !== undefined) parsed.searchParams.append('state', state);
  return parsed.href;
}
