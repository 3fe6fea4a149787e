import type { Application, RedirectUri } from '../clients/application.js';
import { invalidRequest } from '../errors/oauth-error.js';
import type { ApplicationStore } from '../storage/application-store.js';

// CVE-2024-21637: these schemes run script in the browser, whatever the registration says.
const forbiddenSchemes = new Set(['javascript:', 'data:', 'vbscript:']);

const compiled = new Map<string, RegExp | null>();
/** A regex entry, anchored at both ends (CVE-2024-52289); null when it does not compile. */
export function compileEntry(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${pattern})$`);
    } catch {
      regex = null;
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

function matches(entry: RedirectUri, uri: string): boolean {
  if (entry.matchingMode === 'strict') return entry.url === uri;
  return compileEntry(entry.url)?.test(uri) ?? false;
}

/** True when `uri` matches one of the application's redirect URIs of `type`, strictly or by regex. */
export function isRegisteredRedirectUri(application: Application, uri: string, type: RedirectUri['type']): boolean {
  return application.redirectUris.some((entry) => entry.type === type && matches(entry, uri));
}

/**
 * RFC 6749 §3.1.2.3: the redirect URI a request may leave out, when the application has exactly
 * one authorization redirect URI and it is a strict (complete) one; undefined otherwise.
 */
export function soleRedirectUri(application: Application): string | undefined {
  const entries = application.redirectUris.filter((entry) => entry.type === 'authorization');
  return entries.length === 1 && entries[0]!.matchingMode === 'strict' ? entries[0]!.url : undefined;
}

function assertUsableUri(uri: string): void {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw invalidRequest('redirect_uri is not an absolute URI', { redirectable: false });
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (uri.includes('#')) throw invalidRequest('redirect_uri must not contain a fragment', { redirectable: false });
  if (forbiddenSchemes.has(parsed.protocol)) {
    throw invalidRequest('redirect_uri uses a forbidden scheme', { redirectable: false });
  }
}

/**
 * Validates the redirect URI of an authorization request (behaviour spec §2.3). An application
 * without authorization URIs registers the first one it sees, as a strict entry. Failures are
 * never redirectable: the URI is not trusted yet.
 */
export async function resolveRedirectUri(
  application: Application,
  uri: string | undefined,
  applications: Pick<ApplicationStore, 'registerRedirectUri'>,
): Promise<Application> {
  if (uri === undefined || uri === '') throw invalidRequest('redirect_uri is required', { redirectable: false });
  assertUsableUri(uri);
  const current = application.redirectUris.some((entry) => entry.type === 'authorization')
    ? application
    : await applications.registerRedirectUri(application.id, uri);
  // Checked after registration too: a concurrent first use may have registered another URI.
  if (!isRegisteredRedirectUri(current, uri, 'authorization')) {
    throw invalidRequest('redirect_uri is not registered for this client', { redirectable: false });
  }
  return current;
}
