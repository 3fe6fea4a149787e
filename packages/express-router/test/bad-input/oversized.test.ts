// Bodies over the 64 KiB limit: 413 with invalid_request on the JSON endpoints, a 413 page on the
// browser pages, GitHub's token answer with 413; a body at the limit is still read.
import { request } from 'node:http';
import { authorizePath, consentPath, startTestServer, tokenPath, userinfoPath, type TestServer } from '../fixtures.js';
import { confidentialBasic, devicePath, expectErrorPage, expectOAuthError, form, githubTokenPath, introspectPath, post, revokePath } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const limit = 64 * 1024;
/** A form body of exactly `size` bytes: a client_credentials request padded with an unknown parameter. */
const formOf = (size: number) => {
  const head = 'grant_type=client_credentials&scope=openid&padding=';
  return `${head}${'x'.repeat(size - head.length)}`;
};
const tooLarge = 'the request body is too large';

describe.each([
  ['the token endpoint', tokenPath],
  ['the revocation endpoint', revokePath],
  ['the introspection endpoint', introspectPath],
  ['the device authorization endpoint', devicePath],
  ['userinfo (POST)', userinfoPath],
])('%s', (_name, path) => {
  it('answers 413 invalid_request one byte over the limit', async () => {
    await expectOAuthError(await post(t, path, formOf(limit + 1), { ...form, authorization: confidentialBasic }), 413, 'invalid_request', tooLarge);
  });

  it('answers 413 whatever the content type says (the size is checked first)', async () => {
    await expectOAuthError(await post(t, path, 'x'.repeat(3 * limit), { 'content-type': 'application/json' }), 413, 'invalid_request', tooLarge);
  });
});

it('reads a form of exactly 64 KiB', async () => {
  const res = await post(t, tokenPath, formOf(limit), { ...form, authorization: confidentialBasic });
  expect(res.status).toBe(200);
});

it('answers 413 to a chunked body without Content-Length once it passes the limit', async () => {
  const { port } = new URL(t.baseUrl);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: tokenPath, headers: { ...form, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('x'.repeat(16 * 1024));
    req.end();
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request', error_description: tooLarge });
});

it.each([
  ['the authorization endpoint (POST)', authorizePath],
  ['the consent form', consentPath],
  ['the device page', '/device'],
  ['the device consent form', '/device/consent'],
  ['end-session (POST)', '/application/o/confidential/end-session/'],
])('shows a 413 error page at %s', async (_name, path) => {
  await expectErrorPage(await post(t, path, formOf(limit + 1), form), 413, tooLarge);
});

it('keeps 413 at the GitHub token endpoint, in GitHub\'s error fields', async () => {
  const res = await post(t, githubTokenPath, formOf(limit + 1), { ...form, accept: 'application/json' });
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({ error: 'invalid_request', error_description: tooLarge, error_uri: expect.stringMatching(/^https:\/\/docs\.github\.com\//) });
});
