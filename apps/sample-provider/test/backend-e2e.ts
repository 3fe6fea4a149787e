// Shared by the end-to-end tests that run provider processes on a real PostgreSQL and Redis
// (faults, concurrency): the services they need, a seed, and the code and refresh flows in plain fetch.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { serviceAt, type Requirement } from '@gatehouse/core/testing';
import { redisServerInstalled } from '@gatehouse/redis-code-cache/testing';
import { Browser } from './browser.js';

export const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A PostgreSQL server to create databases on, and redis-server to start a Redis of the test's own. */
export function backendsRequirement(): Requirement {
  const postgres = serviceAt(postgresUrl);
  if (!postgres.available) return postgres;
  return redisServerInstalled() ? postgres : { available: false, missing: 'redis-server is not installed' };
}

export const callback = 'http://127.0.0.1:8765/cb';
export const person = { username: 'alice', password: 'Alice-Password-42!' };
export const clientId = 'rp-client';
export const clientSecret = 'rp-secret-0123456789abcdefghijklmnop';

/** One user and one confidential application that may get refresh tokens; consent is implicit. */
export const backendSeed = {
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
  keys: [{ name: 'ec', alg: 'ES256' }],
  applications: [
    {
      slug: 'rp',
      name: 'Relying party',
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [{ matching_mode: 'strict', url: callback }],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      signing_key: 'ec',
      consent: 'implicit',
    },
  ],
};

/** A directory with the seed file, for `GATEHOUSE_SEED` and `DATA_DIR`. */
export async function seedDirectory(): Promise<{ readonly dir: string; readonly seedFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-backends-'));
  const seedFile = join(dir, 'seed.json');
  await writeFile(seedFile, JSON.stringify(backendSeed));
  return { dir, seedFile };
}

/** A fresh authorization code for `scope`, with its PKCE verifier; `browser` keeps the session between calls. */
export async function authorizationCode(browser: Browser, baseUrl: string, scope = 'openid profile'): Promise<{ code: string; verifier: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const authorize = new URL(`${baseUrl}/application/o/authorize/`);
  for (const [name, value] of Object.entries({
    client_id: clientId,
    redirect_uri: callback,
    response_type: 'code',
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })) authorize.searchParams.set(name, value);
  const { callback: returned } = await browser.signInAndConsent(authorize.href, callback, person);
  const code = returned.searchParams.get('code');
  if (!code) throw new Error(`no code in ${returned.href}`);
  return { code, verifier };
}

const tokenRequest = (baseUrl: string, params: Record<string, string>) =>
  fetch(`${baseUrl}/application/o/token/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });

export const exchangeCode = (baseUrl: string, code: string, verifier: string): Promise<Response> =>
  tokenRequest(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier });

export const refreshTokens = (baseUrl: string, refreshToken: string): Promise<Response> =>
  tokenRequest(baseUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });

export const userinfoStatus = async (baseUrl: string, accessToken: string): Promise<number> =>
  (await fetch(`${baseUrl}/application/o/userinfo/`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

export interface TokenBody {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

/** The `jti` of a JWT access token, which names its row in access_tokens. */
export const jtiOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

/** Polls `check` until it answers true, for at most `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 15_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const statusOf = async (url: string): Promise<number> => (await fetch(url)).status;
