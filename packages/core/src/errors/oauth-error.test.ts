import { oauthErrorStatus, type OAuthErrorCode } from './error-codes.js';
import { invalidClient, invalidGrant, invalidRequest, invalidScope, invalidToken, OAuthError, toOAuthError } from './oauth-error.js';

// Written out here, not read from the table, so a wrong entry in the table fails.
const expectedStatus: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401, // RFC 6749 §5.2
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  invalid_token: 401, // RFC 6750 §3.1
  insufficient_scope: 403, // RFC 6750 §3.1
  invalid_redirect_uri: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  unsupported_token_type: 400,
  authorization_pending: 400, // RFC 8628 §3.5
  slow_down: 400,
  expired_token: 400,
  temporarily_unavailable: 503,
  server_error: 500,
};

describe('OAuthError', () => {
  it('knows exactly the codes of the status table', () => {
    expect(Object.keys(oauthErrorStatus).sort()).toEqual(Object.keys(expectedStatus).sort());
  });

  it.each(Object.entries(expectedStatus) as [OAuthErrorCode, number][])('answers %s with HTTP %i', (code, status) => {
    const error = new OAuthError(code, 'description');
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it('takes a status override (e.g. 413 for an oversized body)', () => {
    expect(new OAuthError('invalid_request', 'body too large', { status: 413 }).status).toBe(413);
  });

  it('is an Error that names its code, keeps its cause and its private detail', () => {
    const cause = new Error('socket hang up');
    const error = new OAuthError('invalid_grant', 'code expired', { cause, detail: 'code abc expired at 1700000000' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OAuthError');
    expect(error.message).toBe('invalid_grant: code expired');
    expect(error.cause).toBe(cause);
    expect(error.detail).toBe('code abc expired at 1700000000');
  });

  it.each([
    ['is redirectable by default', undefined, true],
    ['is not redirectable when told so (untrusted redirect_uri)', false, false],
  ])('%s', (_name, redirectable, expected) => {
    expect(new OAuthError('invalid_request', 'x', redirectable === undefined ? {} : { redirectable }).redirectable).toBe(expected);
  });

  describe('description (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E only)', () => {
    it.each([
      ['keeps plain text', 'redirect_uri is not registered', 'redirect_uri is not registered'],
      ['replaces a double quote', 'the "scope" parameter', 'the  scope  parameter'],
      ['replaces a backslash', 'C:\\path', 'C: path'],
      ['replaces a newline and a tab (no header or log injection)', 'line one\r\nline\ttwo', 'line one  line two'],
      ['replaces a control character', 'nul\u0000here', 'nul here'],
      ['replaces DEL', 'del\u007f', 'del '],
      ['replaces non-ASCII letters', 'café', 'caf '],
      ['replaces each half of an emoji', 'ok 👍', 'ok   '],
    ])('%s', (_name, description, expected) => {
      expect(new OAuthError('invalid_request', description).description).toBe(expected);
    });

    it('bounds a description that quotes the request at 256 characters', () => {
      const description = new OAuthError('unsupported_grant_type', `grant_type ${'g'.repeat(10_000)} is not supported`).description;
      expect(description).toHaveLength(256);
      expect(description).toBe(`grant_type ${'g'.repeat(242)}...`);
      expect(new OAuthError('invalid_request', 'x'.repeat(256)).description).toBe('x'.repeat(256));
    });

    it('keeps every allowed character and replaces every other ASCII one', () => {
      const all = String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i));
      const allowed = (code: number) => code === 0x20 || code === 0x21 || (code >= 0x23 && code <= 0x5b) || (code >= 0x5d && code <= 0x7e);
      const expected = [...all].map((char) => (allowed(char.charCodeAt(0)) ? char : ' ')).join('');
      expect(new OAuthError('invalid_request', all).description).toBe(expected);
    });
  });

  it.each([
    ['invalidRequest', 'invalid_request', invalidRequest],
    ['invalidClient', 'invalid_client', invalidClient],
    ['invalidGrant', 'invalid_grant', invalidGrant],
    ['invalidToken', 'invalid_token', invalidToken],
    ['invalidScope', 'invalid_scope', invalidScope],
  ] as const)('%s builds an OAuthError with code %s', (_name, code, factory) => {
    const error = factory('description', { redirectable: false });
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code, description: 'description', redirectable: false, status: expectedStatus[code] });
  });
});

describe('toOAuthError', () => {
  it('returns an OAuthError unchanged', () => {
    const error = invalidGrant('code expired');
    expect(toOAuthError(error)).toBe(error);
  });

  it.each([
    ['an Error', new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), 'hunter2', true],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'secret')"), 'secret', true],
    ['a thrown string', 'database password=hunter2 rejected', 'hunter2', true],
    ['a thrown object', { query: 'SELECT secret FROM keys' }, 'SELECT', false],
    ['undefined', undefined, 'undefined', true],
  ])('turns %s into a generic server_error that hides it', (_name, thrown, internal, inDetail) => {
    const error = toOAuthError(thrown);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'server_error', status: 500, description: 'The server could not complete the request' });
    expect(error.description).not.toContain(internal);
    expect(error.message).not.toContain(internal);
    // The internals go to the private detail and the cause, for the logs only.
    if (inDetail) expect(error.detail).toContain(internal);
    expect(error.cause).toBe(thrown);
  });
});
