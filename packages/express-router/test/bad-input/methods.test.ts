// Methods an endpoint does not take: 405 with Allow (RFC 9110 §15.5.6) and the JSON error body,
// on every path the router owns.
import { startTestServer, type TestServer } from '../fixtures.js';
import { expectOAuthError } from './bad-input.fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe.each([
  ['/application/o/token/', ['PUT', 'DELETE', 'PATCH', 'GET'], 'POST'],
  ['/application/o/revoke/', ['PUT', 'DELETE', 'GET'], 'POST'],
  ['/application/o/introspect/', ['PUT', 'PATCH', 'GET'], 'POST'],
  ['/application/o/device/', ['PUT', 'DELETE', 'GET'], 'POST'],
  ['/application/o/userinfo/', ['PUT', 'DELETE', 'PATCH'], 'GET'],
  ['/application/o/authorize/', ['PUT', 'DELETE', 'PATCH'], 'GET'],
  ['/application/o/authorize/consent/', ['GET', 'PUT'], 'POST'],
  ['/application/o/confidential/.well-known/openid-configuration', ['POST', 'PUT', 'DELETE'], 'GET'],
  ['/application/o/confidential/jwks/', ['POST', 'DELETE'], 'GET'],
  ['/application/o/confidential/end-session/', ['PUT', 'DELETE'], 'GET'],
  ['/device', ['PUT', 'DELETE'], 'GET'],
  ['/login/oauth/authorize', ['POST', 'PUT'], 'GET'],
  ['/login/oauth/access_token', ['GET', 'PUT'], 'POST'],
])('%s', (path, methods, allowed) => {
  it.each(methods)('answers %s with 405 invalid_request and Allow', async (method) => {
    const res = await fetch(`${t.baseUrl}${path}`, { method, redirect: 'manual' });
    expect(res.headers.get('allow')?.split(', ')).toContain(allowed);
    await expectOAuthError(res, 405, 'invalid_request', `${method} is not allowed here`);
  });
});

it('answers HEAD like GET, without a body', async () => {
  const res = await fetch(`${t.baseUrl}/application/o/confidential/jwks/`, { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
});

it('keeps the GitHub API on GitHub\'s own 404 for other methods', async () => {
  const res = await fetch(`${t.baseUrl}/user`, { method: 'DELETE' });
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//), status: '404' });
});
