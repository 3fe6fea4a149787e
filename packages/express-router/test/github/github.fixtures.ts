// Fixture of the GitHub-compatible routes: applications that know nothing about GitHub scopes,
// the GitHub consent texts, and helpers that speak GitHub's wire formats.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { AuthorizationServer } from '@gatehouse/core';
import { githubScopeMappings, oauthRouter, type OAuthRouterOptions } from '../../src/index.js';
import { basicAuthorization, customClient, get, locationOf, strict, startTestServer, testUser, userHeader, type Params, type RequestOptions, type TestClient, type TestServer } from '../fixtures.js';

/** One strict redirect URI, implicit consent, scopes openid profile email offline_access. */
export const hub = customClient('hub');
/** Explicit consent: the consent page shows every request. */
export const hubExplicit = customClient('hub-explicit', { consent: 'explicit' });
/** Two redirect URIs: `redirect_uri` cannot be left out. */
export const hubTwo = customClient('hub-two', { redirectUris: [strict('https://hub-two.example.com/cb'), strict('https://hub-two.example.com/other')] });
/** A public client (PKCE required). */
export const hubPublic = customClient('hub-public', { clientType: 'public', tokenEndpointAuthMethod: 'none', clientSecretDigest: null });

export function startGithubServer(): Promise<TestServer> {
  return startTestServer({
    applications: [hub.application, hubExplicit.application, hubTwo.application, hubPublic.application],
    scopeMappings: githubScopeMappings,
  });
}

export const githubAuthorizePath = '/login/oauth/authorize';
export const githubTokenPath = '/login/oauth/access_token';

/** GET /login/oauth/authorize with `query` (signed in as the test user unless told otherwise). */
export function githubAuthorize(t: TestServer, query: Params, options: RequestOptions = { user: testUser.id }): Promise<Response> {
  return get(t, `${githubAuthorizePath}?${new URLSearchParams(query)}`, options);
}

/** The code of a GitHub authorization request of `client` (implicit consent). */
export async function githubCode(t: TestServer, client: TestClient, query: Params = {}): Promise<string> {
  const res = await githubAuthorize(t, { client_id: client.clientId, state: 'st', ...query });
  if (res.status !== 302) throw new Error(`authorization answered ${res.status}: ${await res.text()}`);
  const code = locationOf(res).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${res.headers.get('location')}`);
  return code;
}

export interface TokenCall {
  /** Send the body as JSON (Octokit) instead of a form (passport-github2). */
  readonly json?: boolean;
  readonly accept?: string;
  /** Client credentials in a Basic header instead of the body. */
  readonly basic?: TestClient;
  readonly query?: Params;
}

/** POST /login/oauth/access_token with `body` as a form or JSON. */
export function githubTokenRequest(t: TestServer, body: Params, call: TokenCall = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': call.json ? 'application/json' : 'application/x-www-form-urlencoded' };
  if (call.accept !== undefined) headers['accept'] = call.accept;
  if (call.basic) headers['authorization'] = basicAuthorization(call.basic.clientId, call.basic.secret!);
  const query = call.query ? `?${new URLSearchParams(call.query)}` : '';
  return fetch(`${t.baseUrl}${githubTokenPath}${query}`, { method: 'POST', headers, body: call.json ? JSON.stringify(body) : new URLSearchParams(body).toString() });
}

/** Client credentials of `client` in the body. */
export const credentials = (client: TestClient): Params => ({ client_id: client.clientId, client_secret: client.secret! });

/** An access token of the `hub` client for `scope` (GitHub's comma-separated form is fine). */
export async function githubToken(t: TestServer, scope: string): Promise<string> {
  const code = await githubCode(t, hub.client, { scope });
  const res = await githubTokenRequest(t, { code, ...credentials(hub.client) }, { accept: 'application/json' });
  const body = (await res.json()) as Record<string, string>;
  if (!body['access_token']) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body['access_token'];
}

/** GET a GitHub API path with `token` in the given scheme. */
export function api(t: TestServer | string, path: string, token?: string, scheme = 'token', method = 'GET'): Promise<Response> {
  const base = typeof t === 'string' ? t : t.baseUrl;
  return fetch(`${base}${path}`, { method, redirect: 'manual', headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } });
}

/**
 * A second router over the same authorization server with other router options (the tokens of
 * the fixture's server work there), e.g. another organization or `github: false`.
 */
export async function mountRouter(server: AuthorizationServer, options: Partial<OAuthRouterOptions>): Promise<{ readonly baseUrl: string; close(): Promise<void> }> {
  const app = express();
  app.use(oauthRouter(server, { currentUser: (req) => (req.get(userHeader) ? { id: req.get(userHeader)!, authTime: 0 } : null), loginUrl: '/login', ...options }));
  const http: Server = createServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => {
      http.closeAllConnections();
      http.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
