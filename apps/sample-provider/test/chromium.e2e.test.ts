// The pages in a real browser (Debian's headless Chromium through playwright-core): a relying
// party signs a person in (code + PKCE through the login and consent pages) and out (through the
// end-session confirmation page), the consent page in German via ui_locales, the device flow with
// the user code typed, and an error page. Every page visited is screenshotted (full page, and at
// 320 px) to test-artifacts/screenshots/ and checked with axe-core: no serious or critical
// violation.
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { chromium, type Browser as Chromium, type BrowserContext, type Page } from 'playwright-core';
import { person } from './e2e.fixtures.js';
import { accessibilityViolations, checkPage, screenshotDir } from './page-check.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

// Debian's Chromium (apt-get install chromium); .ci/run installs it. Outside CI a missing browser
// skips this file; in CI it fails, like a missing database would.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
// Screenshots older than this run are left from an earlier one and prove nothing.
const startedAt = Date.now();
const describeWithBrowser = available || process.env['CI'] ? describe : describe.skip;

const webSecret = 'web-secret-0123456789abcdefghij';
const tvSecret = 'tv-secret-0123456789abcdefghijk';

/**
 * A relying party as a web application writes one with openid-client: `/start` sends the browser
 * to the authorization endpoint (code, PKCE S256, state, nonce), `/cb` redeems the code and shows
 * who signed in, `/logout` sends the browser to the end-session endpoint, `/bye` is where it returns.
 */
function relyingParty(config: () => client.Configuration, base: () => string): Server {
  let pending: { verifier: string; state: string; nonce: string } | undefined;
  const page = (res: ServerResponse, html: string) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Relying party</title><main>${html}</main></html>`);
  };
  return createServer((req, res) => {
    const url = new URL(req.url!, base());
    void (async () => {
      if (url.pathname === '/start') {
        pending = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
        const target = client.buildAuthorizationUrl(config(), {
          redirect_uri: `${base()}/cb`,
          scope: url.searchParams.get('scope')!,
          code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
          code_challenge_method: 'S256',
          state: pending.state,
          nonce: pending.nonce,
          ...(url.searchParams.has('ui_locales') ? { ui_locales: url.searchParams.get('ui_locales')! } : {}),
        });
        res.writeHead(302, { location: target.href }).end();
      } else if (url.pathname === '/cb') {
        if (url.searchParams.has('error')) return page(res, `<p id="result">error: ${url.searchParams.get('error')}</p>`);
        const tokens = await client.authorizationCodeGrant(config(), url, { pkceCodeVerifier: pending!.verifier, expectedState: pending!.state, expectedNonce: pending!.nonce });
        const claims = tokens.claims()!;
        page(res, `<p id="result">signed in as ${claims['name']}${claims['email'] ? ` (${claims['email']})` : ''} with ${tokens.scope}</p>`);
      } else if (url.pathname === '/logout') {
        res.writeHead(302, { location: client.buildEndSessionUrl(config(), { post_logout_redirect_uri: `${base()}/bye`, state: 'bye-state' }).href }).end();
      } else if (url.pathname === '/bye') {
        page(res, `<p id="result">signed out (state ${url.searchParams.get('state')})</p>`);
      } else {
        res.writeHead(404).end();
      }
    })().catch((error: unknown) => page(res, `<p id="result">relying party failed: ${String(error)}</p>`));
  });
}

/** The id of the element with the focus, as the browser evaluates it (this project has no DOM types). */
const focusedId = 'document.activeElement?.id';

/** Polls the token endpoint as the device does (RFC 8628 §3.4–3.5) until it has an answer. */
async function pollForTokens(provider: RunningProvider, deviceCode: string, intervalSeconds: number): Promise<Record<string, unknown>> {
  let interval = intervalSeconds;
  for (let attempt = 0; attempt < 12; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    const res = await fetch(`${provider.baseUrl}/application/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`tv:${tvSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (body['error'] === 'authorization_pending') continue;
    if (body['error'] === 'slow_down') interval += 5;
    else return body;
  }
  throw new Error('the device never got an answer');
}

describeWithBrowser('the pages in headless Chromium', () => {
  let provider: RunningProvider;
  let rp: Server;
  let rpUrl: string;
  let rpConfig: client.Configuration;
  let browser: Chromium;

  beforeAll(async () => {
    rp = relyingParty(() => rpConfig, () => rpUrl);
    rp.listen(0, '127.0.0.1');
    await once(rp, 'listening');
    rpUrl = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
    provider = await startProvider({
      users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
      keys: [{ name: 'ec', alg: 'ES256' }],
      applications: [
        {
          slug: 'web', name: 'Web Portal', client_id: 'web', client_secret: webSecret, signing_key: 'ec', consent: 'permanent',
          scopes: ['openid', 'profile', 'email', 'offline_access'],
          redirect_uris: [{ matching_mode: 'strict', url: `${rpUrl}/cb` }, { matching_mode: 'strict', url: `${rpUrl}/bye`, type: 'logout' }],
        },
        { slug: 'tv', name: 'Living Room TV', client_id: 'tv', client_secret: tvSecret, signing_key: 'ec', scopes: ['openid', 'profile'], redirect_uris: [] },
      ],
    });
    rpConfig = await client.discovery(new URL(`${provider.baseUrl}/application/o/web/`), 'web', undefined, client.ClientSecretBasic(webSecret), {
      execute: [client.allowInsecureRequests],
    });
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    rp?.closeAllConnections();
    rp?.close();
  });

  const scopesListed = (page: Page, heading: string) =>
    page.locator(`h2:text-is("${heading}") + ul > li`).allTextContents();

  describe('a relying party signs a person in and out', () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it('signs in with code and PKCE through the login and consent pages', async () => {
      await page.goto(`${rpUrl}/start?scope=${encodeURIComponent('openid profile')}`);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      // The first field has the focus, and the focus is visible when moving on with the keyboard.
      expect(await page.evaluate(focusedId)).toBe('username');
      await checkPage(page, 'login');
      await page.keyboard.type(person.username);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(focusedId)).toBe('password');
      expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
      await page.keyboard.type(person.password);
      await page.keyboard.press('Enter');

      await page.waitForSelector('button[name="decision"][value="allow"]');
      expect(await page.textContent('h1')).toBe('Web Portal wants to sign you in');
      expect(await scopesListed(page, 'It asks for:')).toEqual(['Sign you in', 'Your name, username and groups']);
      expect(await page.locator('.new').count()).toBe(0);
      await checkPage(page, 'consent');
      await page.click('button[name="decision"][value="allow"]');
      await page.waitForURL(`${rpUrl}/cb?**`);
      expect(await page.textContent('#result')).toBe('signed in as Alice Liddell with openid profile');
    }, 30_000);

    it('asks again only for what is new, marking it', async () => {
      await page.goto(`${rpUrl}/start?scope=${encodeURIComponent('openid profile email')}`);
      await page.waitForSelector('button[name="decision"][value="allow"]');
      expect(await scopesListed(page, 'It asks for additional permissions:')).toEqual(['New Your email address']);
      expect(await page.locator('.new').allTextContents()).toEqual(['New']);
      expect(await scopesListed(page, 'You already allowed:')).toEqual(['Sign you in', 'Your name, username and groups']);
      await checkPage(page, 'consent-new-scopes');
      await page.click('button[name="decision"][value="allow"]');
      await page.waitForURL(`${rpUrl}/cb?**`);
      expect(await page.textContent('#result')).toBe('signed in as Alice Liddell (alice@example.com) with openid profile email');
    }, 30_000);

    it('shows the same consent page in German when the relying party asks with ui_locales=de', async () => {
      await page.goto(`${rpUrl}/start?scope=${encodeURIComponent('openid profile email offline_access')}&ui_locales=de`);
      await page.waitForSelector('button[name="decision"][value="allow"]');
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      expect(await page.title()).toBe('Web Portal autorisieren');
      expect(await page.textContent('h1')).toBe('Web Portal möchte Sie anmelden');
      expect(await scopesListed(page, 'Die Anwendung bittet um zusätzliche Berechtigungen:')).toEqual(['Neu Zugriff, während Sie abwesend sind']);
      expect(await scopesListed(page, 'Bereits erlaubt:')).toEqual(['Sie anmelden', 'Ihren Namen, Benutzernamen und Ihre Gruppen', 'Ihre E-Mail-Adresse']);
      expect(await page.locator('button[name="decision"]').allTextContents()).toEqual(['Erlauben', 'Ablehnen']);
      await checkPage(page, 'consent-de');
      await page.click('button[name="decision"][value="deny"]');
      await page.waitForURL(`${rpUrl}/cb?**`);
      expect(await page.textContent('#result')).toBe('error: access_denied');
    }, 30_000);

    it('signs out through the logout confirmation page, back to the relying party', async () => {
      await page.goto(`${rpUrl}/logout`);
      await page.waitForSelector('button[name="decision"][value="allow"]');
      expect(await page.textContent('h1')).toBe('Sign out?');
      expect(await page.textContent('main p')).toBe('Web Portal asks to end your session. You are signed in as alice.');
      await checkPage(page, 'logout-confirmation');
      await page.click('button[name="decision"][value="allow"]');
      await page.waitForURL(`${rpUrl}/bye?**`);
      expect(await page.textContent('#result')).toBe('signed out (state bye-state)');

      // Signed out for real: the end-session endpoint has no session left to end, and says so.
      await page.goto(`${provider.baseUrl}/application/o/web/end-session/`);
      expect(await page.textContent('h1')).toBe('You have been signed out');
      await checkPage(page, 'signed-out');
      await page.goto(`${rpUrl}/start?scope=openid`);
      expect(new URL(page.url()).pathname).toBe('/login');
    }, 30_000);
  });

  it('completes the device flow: the code typed on the verification page, the device polling for tokens', async () => {
    const started = await fetch(`${provider.baseUrl}/application/o/device/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`tv:${tvSecret}`).toString('base64')}` },
      body: new URLSearchParams({ scope: 'openid profile' }),
    });
    expect(started.status).toBe(200);
    const device = (await started.json()) as { device_code: string; user_code: string; verification_uri: string; interval: number };
    const tokens = pollForTokens(provider, device.device_code, device.interval);

    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    try {
      const page = await context.newPage();
      await page.goto(device.verification_uri);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#username', person.username);
      await page.fill('#password', person.password);
      await page.click('button[type="submit"]');

      await page.waitForSelector('#user_code');
      expect(await page.textContent('h1')).toBe('Connect a device');
      expect(await page.evaluate(focusedId)).toBe('user_code');
      await checkPage(page, 'device-entry');
      // A typo first: the page says so and keeps the field described by the message.
      await page.keyboard.type('BCDF-GHJK');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[role="alert"]');
      expect(await page.textContent('[role="alert"]')).toBe('This code is not valid or has expired. Check the code on your device and try again.');
      expect(await page.getAttribute('#user_code', 'aria-invalid')).toBe('true');
      await checkPage(page, 'device-entry-error');
      await page.fill('#user_code', '');
      await page.locator('#user_code').pressSequentially(device.user_code.toLowerCase().replace('-', ' '), { delay: 20 });
      await page.keyboard.press('Enter');

      await page.waitForSelector('button[name="decision"][value="allow"]');
      expect(await page.textContent('h1')).toBe('Living Room TV wants to sign you in');
      expect(await scopesListed(page, 'It asks for:')).toEqual(['Sign you in', 'Your name, username and groups']);
      await checkPage(page, 'device-consent');
      await page.click('button[name="decision"][value="allow"]');
      await page.waitForSelector('h1:text-is("Device connected")');
      expect(await page.textContent('main p')).toBe('Living Room TV now has access. You can return to your device.');
      await checkPage(page, 'device-result');
    } finally {
      await context.close();
    }
    expect(await tokens).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String), scope: 'openid profile' });
  }, 90_000);

  it('shows an error page, not a redirect, for an unknown client', async () => {
    const page = await browser.newPage();
    await page.goto(`${provider.baseUrl}/application/o/authorize/?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${rpUrl}/cb`)}`);
    expect(await page.textContent('h1')).toBe('This sign-in request cannot be completed');
    expect(await page.textContent('[role="alert"]')).toBe('The request is not valid or has expired. Go back to the application and try again.');
    await checkPage(page, 'error');
    await page.close();
  }, 30_000);

  it('shows the wrong-password message on the login page', async () => {
    const page = await browser.newPage();
    await page.goto(`${provider.baseUrl}/login`);
    await page.fill('input[name="username"]', person.username);
    await page.fill('input[name="password"]', 'not the password');
    await page.click('button[type="submit"]');
    expect(await page.textContent('[role="alert"]')).toBe('Invalid username or password.');
    await checkPage(page, 'login-error');
    await page.close();
  }, 30_000);

  // Without these, a check that runs no rule or a screenshot that is never written would pass unnoticed.
  it('reports what axe-core finds on a page with known violations', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><input type="text"><img src="x.png"></main></body></html>');
    const found = (await accessibilityViolations(page)).map((violation) => `${violation.impact}: ${violation.id}`);
    expect(found).toEqual(expect.arrayContaining(['critical: label', 'critical: image-alt', 'serious: html-has-lang']));
    await page.close();
  }, 30_000);

  it('left a full-page and a 320 px screenshot of every page it checked, written by this run', () => {
    const pages = ['login', 'consent', 'consent-new-scopes', 'consent-de', 'logout-confirmation', 'signed-out', 'device-entry', 'device-entry-error', 'device-consent', 'device-result', 'error', 'login-error'];
    for (const name of pages.flatMap((page) => [`${page}.png`, `${page}-narrow.png`])) {
      const file = statSync(join(screenshotDir, name), { throwIfNoEntry: false });
      expect({ name, written: file !== undefined && file.size > 1000 && file.mtimeMs >= startedAt }).toEqual({ name, written: true });
    }
  });
});
