import { OAuthError } from '../errors/oauth-error.js';
import { authorizationSyntax, checkParams, endSessionSyntax, replyTargetSyntax, tokenSyntax } from './param-syntax.js';

const refusal = (run: () => void): OAuthError | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error as OAuthError;
  }
};

describe('checkParams (RFC 6749 Appendix A)', () => {
  it('passes well-formed parameters, unknown ones and absent ones', () => {
    const params = { grant_type: 'authorization_code', code: 'SplxlOBeZQQYbYS6WxSbIA', redirect_uri: 'https://client.example.com/cb?x=1', client_id: 's6BhdRkqt3', extension: '\u0000 anything' };
    expect(refusal(() => checkParams(tokenSyntax, params))).toBeNull();
    expect(refusal(() => checkParams(tokenSyntax, {}))).toBeNull();
  });

  it.each([
    ['a NUL in client_id', tokenSyntax, { client_id: 'a\u0000' }, 'client_id has characters that are not allowed'],
    ['a non-ASCII client_id', tokenSyntax, { client_id: 'clïent' }, 'client_id has characters that are not allowed'],
    ['a double quote in scope (not NQCHAR)', tokenSyntax, { scope: 'openid "x"' }, 'scope has characters that are not allowed'],
    ['a space in redirect_uri', replyTargetSyntax, { redirect_uri: 'https://a.example/c b' }, 'redirect_uri has characters that are not allowed'],
    ['a line break in state', replyTargetSyntax, { state: 'a\nb' }, 'state has characters that are not allowed'],
    ['a state over 4096 characters', replyTargetSyntax, { state: 's'.repeat(4097) }, 'state is too long'],
    ['a response_type over 256 characters', authorizationSyntax, { response_type: 'code '.repeat(60) }, 'response_type is too long'],
    ['a line break in a password', tokenSyntax, { password: 'pass\r\nword' }, 'password has characters that are not allowed'],
    ['a control character in logout_hint', endSessionSyntax, { logout_hint: 'alice\u0007' }, 'logout_hint has characters that are not allowed'],
  ] as const)('refuses %s with invalid_request naming the parameter, not the value', (_name, schema, params, description) => {
    const error = refusal(() => checkParams(schema, params));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, description });
  });

  it.each([
    ['a nonce in any script', authorizationSyntax, { nonce: 'nonce with spaces & "quotes" / ünïcode' }],
    ['a state in any script', replyTargetSyntax, { state: 'état 状態' }],
    ['a password with a tab and non-ASCII letters', tokenSyntax, { password: 'pä\tss' }],
    ['a state of exactly 4096 characters', replyTargetSyntax, { state: 's'.repeat(4096) }],
  ] as const)('accepts %s', (_name, schema, params) => {
    expect(refusal(() => checkParams(schema, params))).toBeNull();
  });

  it('passes its options on: a refused reply target is never redirected', () => {
    expect(refusal(() => checkParams(replyTargetSyntax, { client_id: 'a\u0000' }, { redirectable: false }))).toMatchObject({ redirectable: false });
  });
});
