// What the tokens of the authorization endpoint belong to: a grant written at the authorization
// endpoint, into which a hybrid code redeems (a replayed code revokes the front-channel tokens
// too); offline_access only when a code comes back (OIDC Core §11); PKCE for public clients only
// where a code is issued.
import { digestToken, type AuditEvent } from '@gatehouse/core';
import { manualClock, type ManualClock } from '@gatehouse/core/testing';
import { decodeJwt } from 'jose';
import {
  authorize,
  clients,
  exchangeCode,
  jsonOf,
  pkcePair,
  startTestServer,
  testUser,
  userinfo,
  verifyJwt,
  type Json,
  type TestServer,
} from '../fixtures.js';
import { frontChannelRequest, leftHalfSha256, readFragment } from './front-channel.js';

let t: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(1_800_000_000);
  t = await startTestServer({ clock });
});
afterAll(() => t.close());

const c = clients.confidential;
const offline = 'openid profile offline_access';

const accessRecord = (accessToken: string) => t.stores.accessTokens.find(decodeJwt(accessToken).jti as string, t.clock.now());
const authorizeEvent = (requestId: string | null): AuditEvent | undefined =>
  t.stores.recordedEvents.find((event) => event.action === 'authorize_application' && event.requestId === requestId);

async function frontChannel(responseType: string, extra: Record<string, string> = {}) {
  const res = await authorize(t, frontChannelRequest(c, responseType, extra), { user: testUser.id });
  return { ...readFragment(res), requestId: res.headers.get('x-request-id')! };
}

async function expectInvalidGrant(res: Response, description: string): Promise<void> {
  expect({ status: res.status, body: await jsonOf(res) }).toEqual({
    status: 400,
    body: { error: 'invalid_grant', error_description: description, request_id: res.headers.get('x-request-id') },
  });
}

describe('offline_access', () => {
  it.each(['id_token token', 'token id_token'])('is dropped for %s: from the scope parameter, the token and its record', async (responseType) => {
    const { params } = await frontChannel(responseType, { scope: offline });
    expect(params['scope']).toBe('openid profile');
    expect(decodeJwt(params['access_token']!)['scope']).toBe('openid profile');
    const record = await accessRecord(params['access_token']!);
    expect(record!.scopes).toEqual(['openid', 'profile']);
    expect((await t.stores.grants.find(record!.grantId!))!.scopes).toEqual(['openid', 'profile']);
  });

  it('is dropped for id_token alone: the grant it was written for lacks it', async () => {
    const { params, requestId } = await frontChannel('id_token', { scope: offline });
    expect(Object.keys(params).sort()).toEqual(['id_token', 'iss', 'state']);
    expect(authorizeEvent(requestId)!.context).toEqual({ scopes: ['openid', 'profile'], responseType: 'id_token' });
  });

  it('is dropped when the scope is left to the application defaults and no code is returned', async () => {
    const { scope: _omitted, ...request } = frontChannelRequest(c, 'id_token token');
    const { params } = readFragment(await authorize(t, request, { user: testUser.id }));
    expect(params['scope']).toBe('openid profile email');
  });

  it.each(['code token', 'code id_token token'])('is kept for %s, and the code redeems into a refresh token', async (responseType) => {
    const { params } = await frontChannel(responseType, { scope: offline });
    expect(params['scope']).toBe(offline);
    expect(decodeJwt(params['access_token']!)['scope']).toBe(offline);
    const body = await jsonOf(await exchangeCode(t, c, params['code']!));
    expect(body['scope']).toBe(offline);
    expect(body['refresh_token']).toMatch(/^[\w-]{43}$/);
    const refresh = await t.stores.refreshTokens.find(digestToken(body['refresh_token']), t.clock.now());
    expect(refresh!.grantId).toBe((await accessRecord(params['access_token']!))!.grantId);
  });

  it('is kept for code id_token, and the code redeems into a refresh token', async () => {
    const { params, requestId } = await frontChannel('code id_token', { scope: offline });
    expect(authorizeEvent(requestId)!.context).toEqual({ scopes: ['openid', 'profile', 'offline_access'], responseType: 'code id_token' });
    const body = await jsonOf(await exchangeCode(t, c, params['code']!));
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  });
});

describe('a hybrid code redeems into the grant of the front-channel tokens', () => {
  it('gives tokens of the same grant, user and nonce at the token endpoint', async () => {
    const { params } = await frontChannel('code id_token token');
    const frontRecord = (await accessRecord(params['access_token']!))!;
    const res = await exchangeCode(t, c, params['code']!);
    expect(res.status).toBe(200);
    const body: Json = await jsonOf(res);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    const backRecord = (await accessRecord(body['access_token']))!;
    expect(backRecord.grantId).toBe(frontRecord.grantId);
    expect(backRecord.jti).not.toBe(frontRecord.jti);
    const grant = (await t.stores.grants.find(frontRecord.grantId!))!;
    expect(grant).toMatchObject({ applicationId: 'app-confidential', userId: testUser.id, scopes: ['openid', 'profile', 'email'], nonce: 'n-0S6_WzA2Mj', revokedAt: null });

    const front = (await verifyJwt(t, 'confidential', params['id_token']!, { audience: c.clientId })).payload;
    const back = (await verifyJwt(t, 'confidential', body['id_token'], { audience: c.clientId })).payload;
    expect(back['sub']).toBe(front['sub']);
    expect(back['nonce']).toBe('n-0S6_WzA2Mj');
    expect(back['auth_time']).toBe(front['auth_time']);
    expect(back['at_hash']).toBe(leftHalfSha256(body['access_token']));
    expect(back['c_hash']).toBeUndefined();

    expect((await userinfo(t, params['access_token']!)).status).toBe(200);
    expect((await userinfo(t, body['access_token'])).status).toBe(200);
  });

  it('writes the grant at the authorization endpoint for code id_token, which the code then redeems into', async () => {
    const authorizedAt = clock.now();
    const { params } = await frontChannel('code id_token');
    clock.advance(10);
    const body = await jsonOf(await exchangeCode(t, c, params['code']!));
    const grant = (await t.stores.grants.find((await accessRecord(body['access_token']))!.grantId!))!;
    // Written when the ID token was handed out, not again when the code was redeemed.
    expect(grant.createdAt).toBe(authorizedAt);
    expect(grant.revokedAt).toBeNull();
    expect(decodeJwt(body['access_token'])['iat']).toBe(authorizedAt + 10);
    const front = decodeJwt(params['id_token']!);
    expect(decodeJwt(body['id_token'])['sub']).toBe(front['sub']);
  });

  it.each(['code token', 'code id_token token'])('revokes the front-channel access token of %s when the code is replayed', async (responseType) => {
    const { params } = await frontChannel(responseType, { scope: offline });
    const first = await jsonOf(await exchangeCode(t, c, params['code']!));
    expect((await userinfo(t, params['access_token']!)).status).toBe(200);

    await expectInvalidGrant(await exchangeCode(t, c, params['code']!), 'the authorization code was already used');

    for (const accessToken of [params['access_token']!, first['access_token']]) {
      const res = await userinfo(t, accessToken);
      expect(res.status).toBe(401);
      expect((await jsonOf(res))['error']).toBe('invalid_token');
    }
    const grantId = (await accessRecord(params['access_token']!))!.grantId!;
    expect((await t.stores.grants.find(grantId))!.revokedAt).toBe(t.clock.now());
    const refresh = await t.stores.refreshTokens.find(digestToken(first['refresh_token']), t.clock.now());
    expect(refresh!.revokedAt).not.toBeNull();
  });

  it('refuses the hybrid code of another client without touching the front-channel tokens', async () => {
    const { params } = await frontChannel('code id_token token');
    await expectInvalidGrant(await exchangeCode(t, clients.other, params['code']!), 'the authorization code was issued to another client');
    expect((await userinfo(t, params['access_token']!)).status).toBe(200);
  });
});

describe('public clients', () => {
  const p = clients.public;
  const publicRequest = (responseType: string, extra: Record<string, string> = {}) => frontChannelRequest(p, responseType, extra);

  it.each(['id_token', 'id_token token'])('may use %s without PKCE', async (responseType) => {
    const { params, target } = readFragment(await authorize(t, publicRequest(responseType), { user: testUser.id }));
    expect(target).toBe(p.redirectUri);
    expect(params['error']).toBeUndefined();
    expect(params['id_token']).toBeDefined();
    if (params['access_token'] !== undefined) expect((await userinfo(t, params['access_token'])).status).toBe(200);
  });

  it.each(['code id_token', 'code token', 'code id_token token'])('must send an S256 code_challenge for %s', async (responseType) => {
    const { params } = readFragment(await authorize(t, publicRequest(responseType), { user: testUser.id }));
    expect(params).toEqual({
      error: 'invalid_request',
      error_description: 'public clients must send a code_challenge with the S256 method',
      state: 'st-123',
      iss: t.issuer('public'),
    });
  });

  it('may not use a plain code_challenge for a hybrid response', async () => {
    const { verifier } = pkcePair();
    const { params } = readFragment(
      await authorize(t, publicRequest('code id_token', { code_challenge: verifier, code_challenge_method: 'plain' }), { user: testUser.id }),
    );
    expect(params['error']).toBe('invalid_request');
    expect(params['error_description']).toBe('code_challenge_method must be S256');
  });

  it('redeems a hybrid code with the verifier of its S256 challenge, and not without it', async () => {
    const { verifier, challenge } = pkcePair();
    const first = readFragment(await authorize(t, publicRequest('code id_token token', { code_challenge: challenge, code_challenge_method: 'S256' }), { user: testUser.id }));
    expect(Object.keys(first.params).sort()).toEqual(['access_token', 'code', 'expires_in', 'id_token', 'iss', 'scope', 'state', 'token_type']);
    const res = await exchangeCode(t, p, first.params['code']!, { code_verifier: verifier }, 'none');
    expect(res.status).toBe(200);

    const second = readFragment(await authorize(t, publicRequest('code token', { code_challenge: challenge, code_challenge_method: 'S256' }), { user: testUser.id }));
    await expectInvalidGrant(await exchangeCode(t, p, second.params['code']!, {}, 'none'), 'code_verifier is required for this code');
  });
});
