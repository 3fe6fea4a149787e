// The two ways to run the router: mounted in an Express app (here under a path prefix, behind a
// body parser that reads forms first) and `serveApi` on node:http ahead of the app. The other
// router tests run the second; this one pins the first, and what `serveApi` leaves to the app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAuthorizationServer, createKeyRecord, memoryCodeCache, memoryStores } from '@gatehouse/core';
import { oauthRouter } from '../../src/index.js';
import { clients, fixtureApplications, testUser } from '../fixtures.js';

const basic = `Basic ${Buffer.from(`${clients.confidential.clientId}:${clients.confidential.secret}`).toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
let http: Server;
let baseUrl: string;

beforeAll(async () => {
  const stores = memoryStores();
  await stores.keys.save(await createKeyRecord({ name: 'default', alg: 'ES256', now: Math.floor(Date.now() / 1000) }));
  for (const application of fixtureApplications()) await stores.applications.save(application);
  await stores.users.save(testUser);
  http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const server = createAuthorizationServer({ baseUrl: `${baseUrl}/auth`, stores, codes: memoryCodeCache() });
  const router = oauthRouter(server, { currentUser: () => ({ id: testUser.id, authTime: Math.floor(Date.now() / 1000) }), loginUrl: '/login', rateLimits: false });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use('/auth', router);
  app.get('/host-page', (_req, res) => void res.send('the host answers'));
  // `serveApi` on the unprefixed paths, the mounted router under /auth.
  http.on('request', (req, res) => router.serveApi(req, res, () => app(req, res)));
});
afterAll(() => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));

describe('mounted in Express under /auth', () => {
  it('issues client_credentials tokens from a body another parser read first', async () => {
    const res = await fetch(`${baseUrl}/auth/application/o/token/`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=profile' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'profile' });
    expect(typeof body['access_token']).toBe('string');
  });

  it('serves discovery with the mounted issuer and redirects the application root relative to the mount', async () => {
    const discovery = await fetch(`${baseUrl}/auth/application/o/confidential/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${baseUrl}/auth/application/o/confidential/`);
    const root = await fetch(`${baseUrl}/auth/application/o/confidential/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/auth/application/o/confidential/.well-known/openid-configuration');
  });

  it('sends a signed-in browser back to the client with a code from the mounted authorization endpoint', async () => {
    const query = new URLSearchParams({ client_id: clients.confidential.clientId, redirect_uri: clients.confidential.redirectUri, response_type: 'code', scope: 'openid', state: 's' });
    const res = await fetch(`${baseUrl}/auth/application/o/authorize/?${query}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/client\.example\.com\/cb\?code=/);
  });
});

describe('serveApi on node:http', () => {
  it('answers the API endpoints without the app, with a request id and the OAuth error shape', async () => {
    const res = await fetch(`${baseUrl}/application/o/token`, { method: 'POST', headers: form, body: 'grant_type=unknown' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type', request_id: res.headers.get('x-request-id') });
  });

  it('leaves pages and unknown paths to the app', async () => {
    // No router is mounted at the root of the app: the authorization page there is the app's 404.
    const page = await fetch(`${baseUrl}/application/o/authorize/?client_id=x`, { redirect: 'manual' });
    expect(page.status).toBe(404);
    expect(await (await fetch(`${baseUrl}/host-page`)).text()).toBe('the host answers');
  });
});
