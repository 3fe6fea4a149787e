import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser as Chromium } from 'playwright-core';
import { person } from './e2e.fixtures.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

// Debian's Chromium (apt-get install chromium); .ci/run installs it. Outside CI a missing browser
// skips this file; in CI it fails, like a missing database would.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
const describeWithBrowser = available || process.env['CI'] ? describe : describe.skip;

describeWithBrowser('a person signs in through the pages in headless Chromium', () => {
  let provider: RunningProvider;
  let callbackServer: Server;
  let callbackUrl: string;
  let browser: Chromium;

  beforeAll(async () => {
    // The client's callback: a page that shows what it received, as a relying party would.
    callbackServer = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<p id="received">${new URL(req.url!, 'http://x').searchParams.has('code') ? 'code received' : 'no code'}</p>`);
    });
    callbackServer.listen(0, '127.0.0.1');
    await once(callbackServer, 'listening');
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/cb`;
    provider = await startProvider({
      users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
      keys: [{ name: 'ec', alg: 'ES256' }],
      applications: [{
        slug: 'web', name: 'Web Portal', client_id: 'web', client_secret: 'web-secret-0123456789abcdefghij',
        redirect_uris: [{ matching_mode: 'strict', url: callbackUrl }], signing_key: 'ec', consent: 'explicit',
      }],
    });
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    callbackServer?.closeAllConnections();
    callbackServer?.close();
  });

  it('logs in, consents and lands on the client with a code', async () => {
    const page = await browser.newPage();
    const authorize = new URL(`${provider.baseUrl}/application/o/authorize/`);
    for (const [name, value] of Object.entries({ client_id: 'web', redirect_uri: callbackUrl, response_type: 'code', scope: 'openid profile', state: 'xyz' })) {
      authorize.searchParams.set(name, value);
    }
    await page.goto(authorize.href);
    await page.fill('input[name="username"]', person.username);
    await page.fill('input[name="password"]', person.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[name="decision"][value="allow"]');
    expect(await page.textContent('h1')).toContain('Web Portal');
    await page.click('button[name="decision"][value="allow"]');
    await page.waitForURL((url) => url.href.startsWith(callbackUrl));
    expect(new URL(page.url()).searchParams.get('state')).toBe('xyz');
    expect(await page.textContent('#received')).toBe('code received');
    await page.close();
  }, 30_000);

  it('shows the wrong-password message on the login page', async () => {
    const page = await browser.newPage();
    await page.goto(`${provider.baseUrl}/login`);
    await page.fill('input[name="username"]', person.username);
    await page.fill('input[name="password"]', 'not the password');
    await page.click('button[type="submit"]');
    expect(await page.textContent('[role="alert"]')).toBe('Invalid username or password.');
    await page.close();
  }, 30_000);
});
