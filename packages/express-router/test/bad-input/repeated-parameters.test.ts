// RFC 6749 §3.1/§3.2: "Request and response parameters MUST NOT be included more than once."
// Repeats, arrays and array-style names, in forms and in query strings.
import express from 'express';
import { authorize, clients, codeRequest, jsonOf, startTestServer, testUser, tokenPath, type TestServer } from '../fixtures.js';
import { behindBodyParsers, confidentialBasic, expectErrorPage, expectOAuthError, form, introspectPath, post, revokePath } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe.each([
  ['the token endpoint', tokenPath],
  ['the revocation endpoint', revokePath],
  ['the introspection endpoint', introspectPath],
])('%s', (_name, path) => {
  it.each([
    ['grant_type=client_credentials&grant_type=client_credentials&token=x', 'grant_type'],
    ['token=a&scope=openid&token=b&grant_type=client_credentials', 'token'],
    // The same name, written once plainly and once escaped, is the same parameter.
    ['grant_type=client_credentials&token=x&%74oken=y', 'token'],
  ])('refuses %s with 400 invalid_request', async (body, name) => {
    await expectOAuthError(await post(t, path, body, { ...form, authorization: confidentialBasic }), 400, 'invalid_request', `parameter ${name} is repeated`);
  });

  it('refuses a repeat without a value as well (a=1&a=)', async () => {
    await expectOAuthError(await post(t, path, 'grant_type=client_credentials&token=x&scope=openid&scope=', { ...form, authorization: confidentialBasic }), 400, 'invalid_request', 'parameter scope is repeated');
  });
});

it('treats array-style names as the unknown parameters they are (scope[]= is not scope)', async () => {
  const res = await post(t, tokenPath, 'grant_type=client_credentials&scope[]=admin&scope[0]=admin&a[b]=c', { ...form, authorization: confidentialBasic });
  expect(res.status).toBe(200);
  expect((await jsonOf(res))['scope']).not.toContain('admin');
});

it('shows an error page for a repeated parameter in the authorization query', async () => {
  const query = `${new URLSearchParams(codeRequest(clients.confidential))}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
  await expectErrorPage(await authorize(t, query, { user: testUser.id }), 400, 'parameter redirect_uri is repeated');
});

it('shortens an attacker-chosen parameter name in the description', async () => {
  const name = 'n'.repeat(5000);
  const res = await post(t, tokenPath, `${name}=1&${name}=2`, { ...form, authorization: confidentialBasic });
  await expectOAuthError(res, 400, 'invalid_request', `parameter ${'n'.repeat(40)}... is repeated`);
});

describe('behind an extended urlencoded parser the host mounted first', () => {
  let host: Awaited<ReturnType<typeof behindBodyParsers>>;
  beforeAll(async () => {
    host = await behindBodyParsers(t, express.urlencoded({ extended: true }));
  });
  afterAll(() => host.close());

  it('refuses a parameter the parser turned into an array because it repeats', async () => {
    const res = await post(host, tokenPath, 'grant_type=client_credentials&scope=openid&scope=profile', { ...form, authorization: confidentialBasic });
    await expectOAuthError(res, 400, 'invalid_request', 'parameter scope is repeated');
  });
});
