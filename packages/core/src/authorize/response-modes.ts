import type { ReplyTarget } from './authorization-request.js';

/**
 * The URL a query or fragment response redirects to (OAuth 2.0 Multiple Response Type Encoding
 * Practices §2). Query parameters already in the redirect URI are kept.
 */
export function redirectLocation(target: Pick<ReplyTarget, 'redirectUri' | 'responseMode'>, parameters: Readonly<Record<string, string>>): string {
  const encoded = new URLSearchParams(parameters).toString();
  if (target.responseMode === 'fragment') return `${target.redirectUri.split('#')[0]}#${encoded}`;
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.href;
}
