// Consent modes (behaviour spec §8): explicit asks every time, implicit never, permanent and
// expiring remember what was allowed and ask again only for new scopes (showing which are new);
// prompt=consent always asks, prompt=none never shows the page (consent_required).
import type { ConsentMode } from '@gatehouse/core';
import { makeUser, manualClock } from '@gatehouse/core/testing';
import {
  answerConsent,
  authorize,
  codeRequest,
  consentFormOf,
  customClient,
  locationOf,
  startTestServer,
  type ConsentForm,
  type Params,
  type TestClient,
  type TestServer,
} from '../fixtures.js';

const clock = manualClock(Math.floor(Date.now() / 1000));
const consentDurationSeconds = 600;
const apps = Object.fromEntries(
  (['explicit', 'implicit', 'permanent', 'expiring'] as const satisfies readonly ConsentMode[]).map((mode) => [
    mode,
    customClient(`consent-${mode}`, { consent: mode, consentDurationSeconds }),
  ]),
) as Record<ConsentMode, ReturnType<typeof customClient>>;
const clientOf = (mode: ConsentMode): TestClient => apps[mode].client;
const applicationIdOf = (mode: ConsentMode): string => apps[mode].application.id;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ applications: Object.values(apps).map(({ application }) => application), clock });
});
afterAll(() => t.close());

let users = 0;
/** A user of its own, so remembered consents of other tests do not interfere. */
async function newUser(): Promise<string> {
  const id = `consent-user-${++users}`;
  await t.stores.users.save(makeUser({ id, username: `user${users}`, groups: [] }));
  return id;
}

/** Sends the authorization request of `mode`'s client as `user`. */
const request = (mode: ConsentMode, user: string, extra: Params = {}) => authorize(t, codeRequest(clientOf(mode), extra), { user });

/** Asserts a redirect to the client with a code (303 after the consent form's POST). */
function expectCode(res: Response, mode: ConsentMode, status: 302 | 303 = 302): void {
  expect(res.status).toBe(status);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(clientOf(mode).redirectUri);
  expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(location.searchParams.has('error')).toBe(false);
}

/** Asserts the consent page and reads its form. */
async function expectConsentPage(res: Response): Promise<ConsentForm> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  return consentFormOf(res);
}

/** Asserts an error redirect to the client. */
function expectErrorRedirect(res: Response, mode: ConsentMode, error: string): void {
  expect(res.status).toBe(302);
  const location = locationOf(res);
  expect(`${location.origin}${location.pathname}`).toBe(clientOf(mode).redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe('xyz');
  expect(location.searchParams.has('code')).toBe(false);
}

/** Opens the consent page of `mode` for `scope` and allows it; the answer must be a code. */
async function consentTo(mode: ConsentMode, user: string, scope: string): Promise<void> {
  const form = await expectConsentPage(await request(mode, user, { scope }));
  expectCode(await answerConsent(t, form, 'allow', { user }), mode, 303);
}

const rememberedScopes = async (mode: ConsentMode, user: string) => (await t.stores.consents.find(user, applicationIdOf(mode), clock.now()))?.scopes ?? null;

describe('explicit', () => {
  it('asks every time, even for scopes allowed a moment ago', async () => {
    const user = await newUser();
    await consentTo('explicit', user, 'openid profile');
    await expectConsentPage(await request('explicit', user, { scope: 'openid profile' }));
    await expectConsentPage(await request('explicit', user, { scope: 'openid' }));
    expect(await rememberedScopes('explicit', user)).toBeNull();
  });
});

describe('implicit', () => {
  it('never asks', async () => {
    const user = await newUser();
    expectCode(await request('implicit', user, { scope: 'openid' }), 'implicit');
    expectCode(await request('implicit', user, { scope: 'openid profile email offline_access' }), 'implicit');
    expectCode(await request('implicit', user, { scope: 'openid email', prompt: 'none' }), 'implicit');
    expect(await rememberedScopes('implicit', user)).toBeNull();
  });
});

describe('permanent', () => {
  it('asks once, then not again for the same scopes or a subset', async () => {
    const user = await newUser();
    const form = await expectConsentPage(await request('permanent', user, { scope: 'openid profile' }));
    expect(form.html).toContain('<h2>It asks for:</h2><ul><li>Sign you in</li><li>Your name, username and groups</li></ul>');
    expect((await answerConsent(t, form, 'allow', { user })).status).toBe(303);
    expect(await t.stores.consents.find(user, applicationIdOf('permanent'), clock.now())).toEqual({
      userId: user,
      applicationId: applicationIdOf('permanent'),
      scopes: ['openid', 'profile'],
      expiresAt: null,
    });

    expectCode(await request('permanent', user, { scope: 'openid profile' }), 'permanent');
    expectCode(await request('permanent', user, { scope: 'profile openid' }), 'permanent');
    expectCode(await request('permanent', user, { scope: 'openid' }), 'permanent');
    clock.advance(365 * 24 * 3600);
    expectCode(await request('permanent', user, { scope: 'openid profile' }), 'permanent');
  });

  it('asks again for a new scope, marking which scopes are new and which were already allowed', async () => {
    const user = await newUser();
    await consentTo('permanent', user, 'openid profile');
    const form = await expectConsentPage(await request('permanent', user, { scope: 'openid profile email' }));
    expect(form.html).toContain(
      '<h2>It asks for additional permissions:</h2><ul><li><span class="new">New</span> Your email address</li></ul>' +
        '<h2>You already allowed:</h2><ul><li>Sign you in</li><li>Your name, username and groups</li></ul>',
    );
  });

  it('remembers the union of what was allowed before and what was allowed now', async () => {
    const user = await newUser();
    await consentTo('permanent', user, 'openid profile');
    // Neither a subset nor a superset: email is new, profile is not asked for.
    const form = await expectConsentPage(await request('permanent', user, { scope: 'openid email' }));
    expect(form.html).toContain('<ul><li><span class="new">New</span> Your email address</li></ul><h2>You already allowed:</h2><ul><li>Sign you in</li></ul>');
    expectCode(await answerConsent(t, form, 'allow', { user }), 'permanent', 303);

    expect(await rememberedScopes('permanent', user)).toEqual(['openid', 'profile', 'email']);
    expectCode(await request('permanent', user, { scope: 'openid profile' }), 'permanent');
    expectCode(await request('permanent', user, { scope: 'openid profile email' }), 'permanent');
    await expectConsentPage(await request('permanent', user, { scope: 'openid offline_access' }));
  });

  it('remembers nothing when the user denies, and asks again', async () => {
    const user = await newUser();
    const form = await expectConsentPage(await request('permanent', user, { scope: 'openid' }));
    const denied = await answerConsent(t, form, 'deny', { user });
    expect(denied.status).toBe(303);
    expect(locationOf(denied).searchParams.get('error')).toBe('access_denied');
    expect(await rememberedScopes('permanent', user)).toBeNull();
    await expectConsentPage(await request('permanent', user, { scope: 'openid' }));
  });

  it('keeps consent per user', async () => {
    const alice = await newUser();
    const bob = await newUser();
    await consentTo('permanent', alice, 'openid');
    expectCode(await request('permanent', alice, { scope: 'openid' }), 'permanent');
    await expectConsentPage(await request('permanent', bob, { scope: 'openid' }));
  });
});

describe('expiring', () => {
  it('remembers consent for consentDurationSeconds, then asks again', async () => {
    const user = await newUser();
    const consentedAt = clock.now();
    await consentTo('expiring', user, 'openid profile');
    expect(await t.stores.consents.find(user, applicationIdOf('expiring'), clock.now())).toMatchObject({
      scopes: ['openid', 'profile'],
      expiresAt: consentedAt + consentDurationSeconds,
    });
    expectCode(await request('expiring', user, { scope: 'openid profile' }), 'expiring');
    clock.advance(consentDurationSeconds - 1);
    expectCode(await request('expiring', user, { scope: 'openid' }), 'expiring');
    clock.advance(1);
    const form = await expectConsentPage(await request('expiring', user, { scope: 'openid' }));
    // An expired consent counts as none: nothing is shown as already allowed.
    expect(form.html).toContain('<h2>It asks for:</h2><ul><li>Sign you in</li></ul>');
  });

  it('starts a new period when the user allows again', async () => {
    const user = await newUser();
    await consentTo('expiring', user, 'openid');
    clock.advance(consentDurationSeconds);
    const renewedAt = clock.now();
    await consentTo('expiring', user, 'openid');
    expect(await t.stores.consents.find(user, applicationIdOf('expiring'), clock.now())).toMatchObject({ expiresAt: renewedAt + consentDurationSeconds });
    clock.advance(consentDurationSeconds - 1);
    expectCode(await request('expiring', user, { scope: 'openid' }), 'expiring');
  });

  it('asks again for a new scope while the consent is still valid', async () => {
    const user = await newUser();
    await consentTo('expiring', user, 'openid');
    const form = await expectConsentPage(await request('expiring', user, { scope: 'openid email' }));
    expect(form.html).toContain('<ul><li><span class="new">New</span> Your email address</li></ul><h2>You already allowed:</h2><ul><li>Sign you in</li></ul>');
  });
});

describe('prompt=consent', () => {
  it.each(['implicit', 'permanent', 'expiring'] as const)('asks with %s consent even when nothing else would', async (mode) => {
    const user = await newUser();
    if (mode !== 'implicit') await consentTo(mode, user, 'openid profile');
    expect((await request(mode, user, { scope: 'openid profile' })).status).toBe(302);
    const form = await expectConsentPage(await request(mode, user, { scope: 'openid profile', prompt: 'consent' }));
    expectCode(await answerConsent(t, form, 'allow', { user }), mode, 303);
  });
});

describe('prompt=none', () => {
  it('redirects consent_required on an explicit application', async () => {
    expectErrorRedirect(await request('explicit', await newUser(), { scope: 'openid', prompt: 'none' }), 'explicit', 'consent_required');
  });

  it('redirects consent_required on a permanent application without consent, and a code once consent covers the request', async () => {
    const user = await newUser();
    expectErrorRedirect(await request('permanent', user, { scope: 'openid', prompt: 'none' }), 'permanent', 'consent_required');
    await consentTo('permanent', user, 'openid');
    expectCode(await request('permanent', user, { scope: 'openid', prompt: 'none' }), 'permanent');
  });

  it('redirects consent_required for a scope beyond the remembered consent', async () => {
    const user = await newUser();
    await consentTo('permanent', user, 'openid');
    expectErrorRedirect(await request('permanent', user, { scope: 'openid email', prompt: 'none' }), 'permanent', 'consent_required');
  });

  it('redirects consent_required once an expiring consent has expired', async () => {
    const user = await newUser();
    await consentTo('expiring', user, 'openid');
    expectCode(await request('expiring', user, { scope: 'openid', prompt: 'none' }), 'expiring');
    clock.advance(consentDurationSeconds);
    expectErrorRedirect(await request('expiring', user, { scope: 'openid', prompt: 'none' }), 'expiring', 'consent_required');
  });
});
