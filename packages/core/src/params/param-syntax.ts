import { z } from 'zod';
import { invalidRequest, type OAuthErrorOptions } from '../errors/oauth-error.js';

/**
 * The syntax of request parameters (RFC 6749 Appendix A, RFC 7636, RFC 8628, OIDC Core), checked
 * before a handler reads them: every value is text of a bounded length in its grammar's
 * characters. A value that is not (a NUL byte in a client id, 9 KiB of response_type, a
 * line break in a redirect URI) is refused with `invalid_request`, so it never reaches a store
 * (PostgreSQL refuses NUL with an error), a header (a redirect that no client can read) or a log.
 */

// RFC 6749 Appendix A: VSCHAR = %x20-7E.
const vschar = /^[\x20-\x7e]*$/;
// A.4: scope = scope-token *( SP scope-token ), scope-token = 1*NQCHAR (%x21 / %x23-5B / %x5D-7E).
const scopeChars = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// A.6: URI-reference (RFC 3986): ASCII without spaces and controls.
const uriChars = /^[\x21-\x7e]*$/;
// A.15/A.16: UNICODECHARNOCRLF, any character but the controls (TAB allowed).
const unicodeNoCrlf = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;
// Values the specifications leave open (OIDC's nonce, hints shown to people) and state, which
// clients fill with anything: text without controls.
const noControls = /^[^\x00-\x1f\x7f]*$/;

const tooLong = 'too_long';
const badChars = 'bad_chars';
const param = (max: number, chars: RegExp) => z.string().max(max, tooLong).regex(chars, badChars).optional();

// The bounds leave room for what clients send in practice (JWT states and hints, long secrets)
// while keeping every redirect that echoes them far below the 16 KiB headers clients read.
const short = param(256, vschar);
const jwt = param(16_384, vschar);
const shapes = {
  client_id: param(256, vschar),
  client_secret: param(1024, vschar),
  client_assertion: jwt,
  client_assertion_type: short,
  redirect_uri: param(2048, uriChars),
  post_logout_redirect_uri: param(2048, uriChars),
  state: param(4096, noControls),
  nonce: param(2048, noControls),
  scope: param(4096, scopeChars),
  response_type: short,
  response_mode: short,
  prompt: short,
  max_age: short,
  ui_locales: short,
  code_challenge: short,
  code_challenge_method: short,
  login_hint: param(1024, noControls),
  logout_hint: param(1024, noControls),
  id_token_hint: jwt,
  grant_type: short,
  code: param(1024, vschar),
  code_verifier: short,
  refresh_token: param(4096, vschar),
  device_code: param(1024, vschar),
  username: param(1024, unicodeNoCrlf),
  password: param(1024, unicodeNoCrlf),
  token: jwt,
  token_type_hint: short,
  access_token: jwt,
};
type Name = keyof typeof shapes;
const schemaOf = (...names: Name[]) => z.object(Object.fromEntries(names.map((name) => [name, shapes[name]])));
const clientAuthentication: Name[] = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

/** What decides where an authorization reply goes: refused before anything is redirected. */
export const replyTargetSyntax = schemaOf('client_id', 'redirect_uri', 'state', 'response_mode');
/** The rest of an authorization request (OIDC Core §3.1.2.1, RFC 7636 §4.3). */
export const authorizationSyntax = schemaOf('response_type', 'scope', 'nonce', 'prompt', 'max_age', 'ui_locales', 'login_hint', 'id_token_hint', 'code_challenge', 'code_challenge_method');
/** The token endpoint (RFC 6749 §4, §6; RFC 8628 §3.4; RFC 7636 §4.5). */
export const tokenSyntax = schemaOf('grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'device_code', 'scope', 'username', 'password', ...clientAuthentication);
/** Revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1). */
export const tokenLookupSyntax = schemaOf('token', 'token_type_hint', ...clientAuthentication);
/** Device authorization (RFC 8628 §3.1). */
export const deviceAuthorizationSyntax = schemaOf('scope', ...clientAuthentication);
/** UserInfo with the token in the body (RFC 6750 §2.2). */
export const userinfoSyntax = schemaOf('access_token');
/** RP-Initiated Logout 1.0 §2. */
export const endSessionSyntax = schemaOf('id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales');

/**
 * Refuses `params` with `invalid_request` when a parameter `schema` knows is too long or has
 * characters its grammar does not allow; the description names the parameter, never the value.
 *
 * @example
 * checkParams(tokenSyntax, input.params); // throws invalid_request: client_id has characters that are not allowed
 */
export function checkParams(schema: z.ZodType, params: Readonly<Record<string, string | undefined>>, options?: OAuthErrorOptions): void {
  const result = schema.safeParse(params);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'a parameter');
  throw invalidRequest(issue.message === tooLong ? `${name} is too long` : `${name} has characters that are not allowed`, options);
}
