// Helpers of the implicit and hybrid tests: the authorization response read back in whichever
// response mode it came (fragment redirect or form_post page), and at_hash / c_hash computed
// independently of the server's own token-hash code.
import { createHash } from 'node:crypto';
import { hiddenInputs, type Params, type TestClient } from '../fixtures.js';

export type Mode = 'fragment' | 'form_post';

/** What the client receives: where it was sent, and the parameters in the order they came. */
export interface FrontChannelResponse {
  /** The redirect URI the response goes to (the fragment or form target, without the response). */
  readonly target: string;
  readonly params: Readonly<Record<string, string>>;
  /** Parameter names in wire order. */
  readonly names: readonly string[];
}

const htmlEntities: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
export const unescapeHtml = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => htmlEntities[entity]!);

/** The authorization request of `client` for a response type, with a nonce and a state unless overridden. */
export function frontChannelRequest(c: TestClient, responseType: string, extra: Params = {}): Params {
  return {
    response_type: responseType,
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    scope: 'openid profile email',
    state: 'st-123',
    nonce: 'n-0S6_WzA2Mj',
    ...extra,
  };
}

/**
 * Reads a fragment response: a 302 (303 after a POST) whose Location is the redirect URI, no response parameter in
 * the query, all of them in the fragment.
 */
export function readFragment(res: Response, status: 302 | 303 = 302): FrontChannelResponse {
  expect(res.status).toBe(status);
  const location = res.headers.get('location');
  if (location === null) throw new Error(`expected a Location header, got status ${res.status}`);
  const hash = location.indexOf('#');
  expect(hash).toBeGreaterThan(0);
  const fragment = new URLSearchParams(location.slice(hash + 1));
  return { target: location.slice(0, hash), params: Object.fromEntries(fragment), names: [...fragment.keys()] };
}

/** Reads a form_post response: a 200 page with one form posting to the redirect URI. */
export async function readFormPost(res: Response): Promise<FrontChannelResponse & { readonly html: string }> {
  const html = await res.text();
  expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 200, location: null });
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const forms = [...html.matchAll(/<form method="post" action="([^"]*)">/g)];
  expect(forms).toHaveLength(1);
  const inputs = hiddenInputs(html);
  return { target: unescapeHtml(forms[0]![1]!), params: inputs, names: Object.keys(inputs), html };
}

/** The response in the given mode. */
export async function readResponse(res: Response, mode: Mode, redirectStatus: 302 | 303 = 302): Promise<FrontChannelResponse> {
  return mode === 'fragment' ? readFragment(res, redirectStatus) : readFormPost(res);
}

/** OIDC Core §3.1.3.6 / §3.3.2.11: base64url of the left half of the SHA-256 of the ASCII value. */
export function leftHalfSha256(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  expect(digest).toHaveLength(32);
  return Buffer.from(digest.subarray(0, 16)).toString('base64url');
}

/** The sorted words of a response type: what decides which parameters are returned. */
export const wordsOf = (responseType: string): string[] => responseType.split(' ').filter(Boolean).sort();

/** Exactly the parameter names an OIDC Core §3.2.2.5 / §3.3.2.5 response of this type carries. */
export function expectedNames(responseType: string): string[] {
  const words = wordsOf(responseType);
  return [
    ...(words.includes('code') ? ['code'] : []),
    ...(words.includes('token') ? ['access_token', 'token_type', 'expires_in', 'scope'] : []),
    ...(words.includes('id_token') ? ['id_token'] : []),
    'state',
    'iss',
  ].sort();
}
