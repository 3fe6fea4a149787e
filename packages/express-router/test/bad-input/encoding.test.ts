// RFC 6749 Appendix B: form bodies are UTF-8, percent-escaped. Invalid UTF-8 (raw or escaped),
// broken escapes and control characters are refused with invalid_request instead of being
// replaced with U+FFFD (or passed on to the stores, where PostgreSQL refuses NUL).
import { authorize, authorizePath, basicAuthorization, clients, codeRequest, locationOf, startTestServer, testUser, tokenPath, userHeader, type TestServer } from '../fixtures.js';
import { confidentialBasic, expectErrorPage, expectOAuthError, form, introspectPath, post } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('invalid UTF-8 in a form body', () => {
  it.each([
    ['a raw 0xFF byte', bytes('grant_type=client_credentials&scope=open', [0xff], 'id')],
    ['a truncated sequence (0xE2 0x82)', bytes('grant_type=client_credentials&scope=', [0xe2, 0x82])],
    ['an overlong encoding of "/" (0xC0 0xAF)', bytes('grant_type=client_credentials&scope=', [0xc0, 0xaf])],
    ['an encoded surrogate (0xED 0xA0 0x80)', bytes('grant_type=client_credentials&scope=', [0xed, 0xa0, 0x80])],
  ])('refuses %s with 400 invalid_request', async (_name, body) => {
    await expectOAuthError(await post(t, tokenPath, body, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'the request body is not valid UTF-8');
  });

  it.each([
    ['%FF', 'scope=%FF'],
    ['%C3%28 (a broken two-byte sequence)', 'scope=%C3%28'],
    ['%ED%A0%80 (an escaped surrogate)', 'scope=%ED%A0%80'],
    ['%F8%88%80%80%80 (a five-byte form)', 'scope=%F8%88%80%80%80'],
  ])('refuses the escape %s with 400 invalid_request', async (_name, pair) => {
    await expectOAuthError(await post(t, tokenPath, `grant_type=client_credentials&${pair}`, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'a parameter is not valid UTF-8');
  });

  it.each([
    ['%zz', 'scope=%zz'],
    ['a lone %', 'scope=50%'],
    ['%4 at the end', 'scope=%4'],
    ['% in a name', 'sc%ope=openid'],
  ])('refuses the malformed escape %s with 400 invalid_request', async (_name, pair) => {
    await expectOAuthError(await post(t, tokenPath, `grant_type=client_credentials&${pair}`, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'a parameter has a malformed percent-escape');
  });

  it('still reads escaped and raw UTF-8 text, and + as a space', async () => {
    const { state: _state, ...request } = codeRequest(clients.confidential);
    const body = bytes(`${new URLSearchParams(request)}&state=caf%C3%A9+`, Buffer.from('é').toJSON().data);
    const res = await post(t, authorizePath, body, { ...form, [userHeader]: testUser.id });
    expect(res.status).toBe(303);
    expect(locationOf(res).searchParams.get('state')).toBe('café é');
  });
});

describe('control characters', () => {
  it.each([
    ['NUL in client_id', 'grant_type=client_credentials&client_id=confidential-client%00&client_secret=x', 'client_id'],
    ['NUL in a name', 'grant_type=client_credentials&sco%00pe=openid', 'sco pe'],
    ['ESC in scope', 'grant_type=client_credentials&scope=openid%1B', 'scope'],
    ['DEL in the code', 'grant_type=authorization_code&code=abc%7F', 'code'],
  ])('refuses %s with 400 invalid_request', async (_name, body, name) => {
    await expectOAuthError(await post(t, tokenPath, body, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', `parameter ${name} has control characters`);
  });

  it.each([
    ['a line break in client_id', { client_id: 'confidential-client\n' }, 'client_id has characters that are not allowed'],
    ['a line break in scope', { scope: 'openid\nprofile' }, 'scope has characters that are not allowed'],
    ['a non-ASCII client secret', { client_id: 'confidential-client', client_secret: 'sécret' }, 'client_secret has characters that are not allowed'],
  ])('refuses %s by the RFC 6749 Appendix A syntax', async (_name, params, description) => {
    const res = await post(t, tokenPath, new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(), form);
    await expectOAuthError(res, 400, 'invalid_request', description);
  });

  it.each([
    ['NUL', 'confidential-client%00'],
    ['a line break', 'confidential-client%0A'],
    ['an invalid escape', 'confidential-client%zz'],
  ])('refuses Basic credentials whose client id decodes to %s', async (_name, clientId) => {
    const authorization = `Basic ${Buffer.from(`${clientId}:${clients.confidential.secret}`).toString('base64')}`;
    await expectOAuthError(await post(t, introspectPath, 'token=x', { ...form, authorization }), 400, 'invalid_request', 'the Authorization header is not valid Basic credentials');
  });

  it('still accepts properly form-encoded Basic credentials', async () => {
    const res = await post(t, tokenPath, 'grant_type=client_credentials', { ...form, authorization: basicAuthorization(clients.special.clientId, clients.special.secret) });
    expect(res.status).toBe(200);
  });
});

describe('the authorization endpoint', () => {
  it.each([
    ['%FF', 'nonce=%FF', 'a parameter is not valid UTF-8'],
    ['%zz', 'nonce=%zz', 'a parameter has a malformed percent-escape'],
    ['NUL', 'nonce=a%00b', 'parameter nonce has control characters'],
  ])('shows an error page for %s in the query, never redirecting it', async (_name, pair, description) => {
    const res = await authorize(t, `${new URLSearchParams(codeRequest(clients.confidential))}&${pair}`, { user: testUser.id });
    await expectErrorPage(res, 400, description);
  });
});
