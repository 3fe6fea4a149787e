// Wrong content types and JSON where RFC 6749 §3.2 (and RFC 7009, 7662, 8628, OIDC Core §5.3.1)
// require application/x-www-form-urlencoded: 400 invalid_request, also when the host's own body
// parser read the body first.
import express from 'express';
import { authorizePath, clients, startTestServer, tokenPath, userinfoPath, type TestServer } from '../fixtures.js';
import { behindBodyParsers, confidentialBasic, devicePath, expectErrorPage, expectOAuthError, introspectPath, post, revokePath } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const formOnly = 'the request body must be application/x-www-form-urlencoded';
const clientCredentials = `grant_type=client_credentials&scope=openid`;

describe.each([
  ['the token endpoint', tokenPath],
  ['the revocation endpoint', revokePath],
  ['the introspection endpoint', introspectPath],
  ['the device authorization endpoint', devicePath],
  ['userinfo (POST)', userinfoPath],
])('%s', (_name, path) => {
  it.each([
    ['JSON', 'application/json', JSON.stringify({ grant_type: 'client_credentials', token: 'x', access_token: 'x' })],
    ['JSON with a charset', 'application/json; charset=utf-8', '{"token":"x"}'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\ncontent-disposition: form-data; name="token"\r\n\r\nx\r\n--x--\r\n'],
    ['text/plain with form text', 'text/plain', clientCredentials],
    ['XML', 'application/xml', '<token>x</token>'],
    ['a made-up type', 'garbage', clientCredentials],
  ])('refuses %s with 400 invalid_request', async (_kind, type, body) => {
    await expectOAuthError(await post(t, path, body, { 'content-type': type, authorization: confidentialBasic }), 400, 'invalid_request', formOnly);
  });

  it('refuses a form body without any Content-Type', async () => {
    await expectOAuthError(await post(t, path, new TextEncoder().encode(clientCredentials), { authorization: confidentialBasic }), 400, 'invalid_request', formOnly);
  });
});

it('takes the form type case-insensitively and with a charset (RFC 9110 §8.3.1)', async () => {
  const res = await post(t, tokenPath, clientCredentials, { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', authorization: confidentialBasic });
  expect(res.status).toBe(200);
});

it('shows an error page, not a JSON error, for a JSON body at the authorization endpoint', async () => {
  const body = JSON.stringify({ response_type: 'code', client_id: clients.confidential.clientId, redirect_uri: clients.confidential.redirectUri });
  await expectErrorPage(await post(t, authorizePath, body, { 'content-type': 'application/json' }), 400, formOnly);
});

describe('behind body parsers the host mounted first', () => {
  let host: Awaited<ReturnType<typeof behindBodyParsers>>;
  beforeAll(async () => {
    host = await behindBodyParsers(t, express.json(), express.urlencoded({ extended: true }));
  });
  afterAll(() => host.close());

  it('refuses a JSON body that express.json() already parsed', async () => {
    const res = await post(host, tokenPath, JSON.stringify({ grant_type: 'client_credentials' }), { 'content-type': 'application/json', authorization: confidentialBasic });
    await expectOAuthError(res, 400, 'invalid_request', formOnly);
  });

  it('refuses a nested object of an extended urlencoded parser (scope[a]=openid)', async () => {
    const res = await post(host, tokenPath, 'grant_type=client_credentials&scope[a]=openid', { 'content-type': 'application/x-www-form-urlencoded', authorization: confidentialBasic });
    await expectOAuthError(res, 400, 'invalid_request', 'parameter scope must be a string');
  });

  it('still serves a form the host parser read', async () => {
    const res = await post(host, tokenPath, clientCredentials, { 'content-type': 'application/x-www-form-urlencoded', authorization: confidentialBasic });
    expect(res.status).toBe(200);
  });
});
