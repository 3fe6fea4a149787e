// Logout with an application whose tokens are JWEs (OIDC Core §10.2): the encrypted ID token, or
// the signed token inside it, works as id_token_hint, and the logout token is encrypted too.
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { createKeyRecord, sessionSid, type KeyRecord } from '@gatehouse/core';
import { compactDecrypt, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { customClient, get, locationOf, obtainTokens, startTestServer, testUser, type TestServer } from '../fixtures.js';
import { endSession, immediateScheduler, startRelyingParty, type RelyingParty } from './logout.fixtures.js';

let t: TestServer;
let rp: RelyingParty;
let enc: KeyRecord;
const bye = 'https://sealed.example.com/bye';

beforeAll(async () => {
  rp = await startRelyingParty();
  enc = await createKeyRecord({ name: 'enc', alg: 'RSA-OAEP-256', now: Math.floor(Date.now() / 1000) });
  const sealed = customClient('sealed', {
    encryptionKey: 'enc',
    backchannelLogoutUri: rp.url('/backchannel'),
    redirectUris: [
      { matchingMode: 'strict', url: 'https://sealed.example.com/cb', type: 'authorization' },
      { matchingMode: 'strict', url: bye, type: 'logout' },
    ],
  });
  t = await startTestServer({ applications: [sealed.application], keys: [enc], scheduler: immediateScheduler() });
});
afterAll(async () => {
  await t.server.backchannelLogoutSettled();
  await Promise.all([t.close(), rp.close()]);
});

const decrypt = async (jwe: string) => new TextDecoder().decode((await compactDecrypt(jwe, createPrivateKey({ key: enc.privateJwk as JsonWebKey, format: 'jwk' }))).plaintext);
const sealed = customClient('sealed').client;

it('accepts the encrypted ID token as id_token_hint and sends an encrypted logout token', async () => {
  const session = { user: testUser.id, sessionId: 'sealed-1' };
  const tokens = await obtainTokens(t, sealed, {}, session);
  expect(tokens.id_token!.split('.')).toHaveLength(5);
  const res = await endSession(t, 'sealed', { id_token_hint: tokens.id_token!, post_logout_redirect_uri: bye, state: 'e' }, session);
  expect(res.status).toBe(302);
  expect(locationOf(res).href).toBe(`${bye}?state=e`);
  await t.server.backchannelLogoutSettled();

  const logoutToken = rp.received[0]!.body.get('logout_token')!;
  expect(decodeProtectedHeader(logoutToken)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512', cty: 'JWT', kid: enc.kid });
  const inner = await decrypt(logoutToken);
  const jwks = (await (await get(t, '/application/o/sealed/jwks/')).json()) as JSONWebKeySet;
  const { payload, protectedHeader } = await jwtVerify(inner, createLocalJWKSet(jwks), { issuer: t.issuer('sealed'), audience: 'sealed-client' });
  expect(protectedHeader.typ).toBe('logout+jwt');
  expect(payload['sid']).toBe(sessionSid('sealed-1'));
});

it('accepts the signed ID token inside the JWE as id_token_hint', async () => {
  const session = { user: testUser.id, sessionId: 'sealed-2' };
  const tokens = await obtainTokens(t, sealed, {}, session);
  const res = await endSession(t, 'sealed', { id_token_hint: await decrypt(tokens.id_token!), post_logout_redirect_uri: bye }, session);
  expect(res.status).toBe(302);
  expect(t.endedSessions.has('sealed-2')).toBe(true);
});
