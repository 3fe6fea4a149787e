import * as client from 'openid-client';
import { applyMigrations, openPglite, prismaStores, type Database } from '@gatehouse/prisma-store';
import { Browser } from './browser.js';
import { callback, person, secretOf, seed } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

let database: Database;
let provider: RunningProvider;
beforeAll(async () => {
  database = await openPglite(undefined);
  await applyMigrations(database);
  provider = await startProvider(seed, { stores: prismaStores(database.prisma, { secretKey: 'x'.repeat(40) }) });
}, 60_000);
afterAll(async () => {
  await provider.close();
  await database.close();
});

it('runs the code flow on the embedded PGlite store', async () => {
  const issuer = new URL(`${provider.baseUrl}/application/o/es/`);
  const config = await client.discovery(issuer, 'es-client', secretOf('es'), undefined, { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const { callback: returned } = await new Browser().signInAndConsent(url.href, callback, person);
  const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, idTokenExpected: true });
  expect((await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).sub).toBe(tokens.claims()!.sub);
});
