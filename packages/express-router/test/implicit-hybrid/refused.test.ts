// Refused implicit and hybrid requests: query never carries tokens, not even the error that
// refuses it (OAuth 2.0 Multiple Response Type Encoding Practices §5); a nonce is required with
// an ID token from the authorization endpoint (OIDC Core §3.2.2.1, §3.3.2.11); an ID token needs
// openid; errors go back in the mode the request would have had, form_post included.
import {
  answerConsent,
  authorize,
  clients,
  consentFormOf,
  redirectUriWithQuery,
  startTestServer,
  testUser,
  type TestServer,
} from '../fixtures.js';
import { frontChannelRequest, readFormPost, readFragment, readResponse, type Mode } from './front-channel.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const tokenBearing = ['id_token', 'id_token token', 'token id_token', 'code id_token', 'id_token code', 'code token', 'token code', 'code id_token token', 'token code id_token'];
const withIdToken = tokenBearing.filter((type) => type.split(' ').includes('id_token'));

/** The exact error response: error, its description, state and iss, nothing else. */
function expectError(params: Readonly<Record<string, string>>, error: string, description: string, slug = 'confidential', state = 'st-123'): void {
  expect(params).toEqual({ error, error_description: description, state, iss: t.issuer(slug) });
}

describe('response_mode=query', () => {
  it.each(tokenBearing)('is refused for response_type=%s with invalid_request in the fragment, never in the query', async (responseType) => {
    const res = await authorize(t, frontChannelRequest(clients.confidential, responseType, { response_mode: 'query' }), { user: testUser.id });
    const location = res.headers.get('location')!;
    expect(location.split('#')[0]).toBe(clients.confidential.redirectUri);
    expect(new URL(location).search).toBe('');
    const { params, names } = readFragment(res);
    expect(names).toEqual(['error', 'error_description', 'state', 'iss']);
    expectError(params, 'invalid_request', 'response_mode query cannot carry tokens; use fragment or form_post');
  });

  it('keeps the registered query of the redirect URI but puts the refusal in the fragment', async () => {
    const res = await authorize(
      t,
      frontChannelRequest(clients.confidential, 'code id_token', { response_mode: 'query', redirect_uri: redirectUriWithQuery }),
      { user: testUser.id },
    );
    const location = res.headers.get('location')!;
    expect(location.split('#')[0]).toBe(redirectUriWithQuery);
    expect([...new URL(location).searchParams.keys()]).toEqual(['tenant', 'lang']);
    expectError(readFragment(res).params, 'invalid_request', 'response_mode query cannot carry tokens; use fragment or form_post');
  });

  it('issues no tokens and no code with the refusal (nothing is written)', async () => {
    const before = t.stores.recordedEvents.filter((event) => event.action === 'authorize_application').length;
    await authorize(t, frontChannelRequest(clients.confidential, 'code id_token token', { response_mode: 'query' }), { user: testUser.id });
    expect(t.stores.recordedEvents.filter((event) => event.action === 'authorize_application')).toHaveLength(before);
  });

  it('still answers a plain code request in the query', async () => {
    const res = await authorize(t, frontChannelRequest(clients.confidential, 'code', { response_mode: 'query' }), { user: testUser.id });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.hash).toBe('');
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
  });
});

describe.each<[string, Mode]>([
  ['fragment', 'fragment'],
  ['form_post', 'form_post'],
])('errors in %s mode', (_name, mode) => {
  const extra: Record<string, string> = mode === 'form_post' ? { response_mode: 'form_post' } : {};

  it.each(withIdToken)('answers a missing nonce for response_type=%s with invalid_request', async (responseType) => {
    const { nonce: _omitted, ...request } = frontChannelRequest(clients.confidential, responseType, extra);
    const { params, target } = await readResponse(await authorize(t, request, { user: testUser.id }), mode);
    expect(target).toBe(clients.confidential.redirectUri);
    expectError(params, 'invalid_request', 'nonce is required when an ID token is returned from the authorization endpoint');
  });

  it.each(withIdToken)('answers a request without openid for response_type=%s with invalid_scope', async (responseType) => {
    const request = frontChannelRequest(clients.confidential, responseType, { ...extra, scope: 'profile email offline_access' });
    const { params } = await readResponse(await authorize(t, request, { user: testUser.id }), mode);
    expectError(params, 'invalid_scope', 'an id_token response needs the openid scope');
  });

  it('answers an openid scope the application may not have as invalid_scope too (it is dropped first)', async () => {
    const request = frontChannelRequest(clients.confidential, 'id_token token', { ...extra, scope: 'profile unknown-scope' });
    const { params } = await readResponse(await authorize(t, request, { user: testUser.id }), mode);
    expectError(params, 'invalid_scope', 'an id_token response needs the openid scope');
  });

  it('answers response_type=token alone with unsupported_response_type', async () => {
    const { params } = await readResponse(await authorize(t, frontChannelRequest(clients.confidential, 'token', extra), { user: testUser.id }), mode);
    expectError(params, 'unsupported_response_type', 'response_type token is not supported');
  });

  it('answers a response_type with a repeated word with unsupported_response_type', async () => {
    const { params } = await readResponse(await authorize(t, frontChannelRequest(clients.confidential, 'id_token id_token', extra), { user: testUser.id }), mode);
    expectError(params, 'unsupported_response_type', 'response_type id_token id_token is not supported');
  });

  it('answers prompt=none without a session with login_required', async () => {
    const { params } = await readResponse(
      await authorize(t, frontChannelRequest(clients.confidential, 'code id_token token', { ...extra, prompt: 'none' })),
      mode,
    );
    expectError(params, 'login_required', 'the user must sign in');
  });

  it('answers a denied consent with access_denied', async () => {
    const consent = await authorize(t, frontChannelRequest(clients.explicit, 'id_token token', extra), { user: testUser.id });
    const res = await answerConsent(t, await consentFormOf(consent), 'deny');
    // The consent form is a POST: a fragment redirect after it is a 303.
    const { params, target } = await readResponse(res, mode, 303);
    expect(target).toBe(clients.explicit.redirectUri);
    expectError(params, 'access_denied', 'the user denied the request', 'explicit');
  });

  it('sends no state when the request had none', async () => {
    const { state: _omitted, nonce: _nonce, ...request } = frontChannelRequest(clients.confidential, 'id_token', extra);
    const { params, names } = await readResponse(await authorize(t, request, { user: testUser.id }), mode);
    expect(names).toEqual(['error', 'error_description', 'iss']);
    expect(params['error']).toBe('invalid_request');
  });
});

describe('what is not an error', () => {
  it('accepts code token without a nonce: no ID token comes from the authorization endpoint', async () => {
    const { nonce: _omitted, ...request } = frontChannelRequest(clients.confidential, 'code token');
    const { params } = readFragment(await authorize(t, request, { user: testUser.id }));
    expect(Object.keys(params).sort()).toEqual(['access_token', 'code', 'expires_in', 'iss', 'scope', 'state', 'token_type']);
  });

  it('accepts code token without openid: an OAuth hybrid response, without any ID token', async () => {
    const request = frontChannelRequest(clients.confidential, 'code token', { scope: 'profile email' });
    const { params } = readFragment(await authorize(t, request, { user: testUser.id }));
    expect(Object.keys(params).sort()).toEqual(['access_token', 'code', 'expires_in', 'iss', 'scope', 'state', 'token_type']);
    expect(params['scope']).toBe('profile email');
  });

  it('refuses an unknown response_mode with invalid_request, answered in the fragment', async () => {
    const res = await authorize(t, frontChannelRequest(clients.confidential, 'id_token token', { response_mode: 'web_message' }), { user: testUser.id });
    expectError(readFragment(res).params, 'invalid_request', 'response_mode web_message is not supported');
  });

  it('answers a hybrid request after the consent page in the requested mode', async () => {
    const consent = await authorize(t, frontChannelRequest(clients.explicit, 'code id_token', { response_mode: 'form_post' }), { user: testUser.id });
    const { params, target } = await readFormPost(await answerConsent(t, await consentFormOf(consent), 'allow'));
    expect(target).toBe(clients.explicit.redirectUri);
    expect(Object.keys(params).sort()).toEqual(['code', 'id_token', 'iss', 'state']);
  });
});
