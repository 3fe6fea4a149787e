// The form_post page (OAuth 2.0 Form Post Response Mode §2): an HTML form that posts exactly the
// response parameters to the redirect URI, submitted by a nonce-allowed script and, without
// JavaScript, by its Continue button; never cached, never framed. Submitted here as a browser
// without JavaScript would, to a relying party listening on loopback.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestToken } from '@gatehouse/core';
import {
  authorize,
  clients,
  makeApplication,
  redirectUriWithQuery,
  startTestServer,
  strict,
  testUser,
  userinfo,
  type TestServer,
} from '../fixtures.js';
import { expectedNames, frontChannelRequest, readFormPost, unescapeHtml } from './front-channel.js';

/** A relying party's callback: records each POSTed form. */
let rp: Server;
let rpCallback: string;
const received: { method: string; contentType: string | undefined; body: string }[] = [];

let t: TestServer;
beforeAll(async () => {
  rp = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({ method: req.method!, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in');
  });
  rp.listen(0, '127.0.0.1');
  await once(rp, 'listening');
  rpCallback = `http://127.0.0.1:${(rp.address() as AddressInfo).port}/cb`;
  t = await startTestServer({
    applications: [
      makeApplication({
        id: 'app-loopback-rp',
        slug: 'loopback-rp',
        clientId: 'loopback-rp-client',
        clientSecretDigest: digestToken('loopback-rp-secret'),
        redirectUris: [strict(rpCallback)],
      }),
    ],
  });
});
afterAll(async () => {
  await t.close();
  rp.closeAllConnections();
  await new Promise<void>((resolve) => rp.close(() => resolve()));
});

const c = clients.confidential;
const awkwardState = `"<>&'`;

/** The CSP header as directive → value. */
function directives(csp: string | null): Record<string, string> {
  expect(csp).not.toBeNull();
  return Object.fromEntries(
    csp!
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const space = part.indexOf(' ');
        return [part.slice(0, space), part.slice(space + 1)];
      }),
  );
}

/**
 * What a browser without JavaScript does with the page: takes the one form, its method and
 * action, the name/value of every input, and submits it with the (unnamed) Continue button.
 */
function formAsBrowserSees(html: string): { method: string; action: string; fields: [string, string][]; buttons: string[] } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  expect(forms).toHaveLength(1);
  const [, open, inner] = forms[0]!;
  const attr = (tag: string, name: string) => {
    const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    return value === undefined ? undefined : unescapeHtml(value);
  };
  return {
    method: attr(open!, 'method')!,
    action: attr(open!, 'action')!,
    fields: [...inner!.matchAll(/<input\b[^>]*>/g)].map(([tag]) => [attr(tag, 'name')!, attr(tag, 'value')!]),
    buttons: [...inner!.matchAll(/<button\b([^>]*)>([^<]*)<\/button>/g)].map(([, tagAttrs, label]) => `${attr(tagAttrs!, 'type')}:${label}`),
  };
}

describe('the form_post page', () => {
  it('is a 200 HTML page, never cached, never framed, with a script nonce matching its only script', async () => {
    const res = await authorize(t, frontChannelRequest(c, 'code id_token token', { response_mode: 'form_post' }), { user: testUser.id });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp['frame-ancestors']).toBe("'none'");
    expect(csp['default-src']).toBe("'none'");
    const scriptNonce = /^'nonce-([A-Za-z0-9+/_-]{22,}={0,2})'$/.exec(csp['script-src']!)?.[1];
    expect(scriptNonce).toBeDefined();
    // Only the nonce allows a script (the anchored match above); no form-action, so the form may post to the client.
    expect(Object.keys(csp).sort()).toEqual(['base-uri', 'default-src', 'frame-ancestors', 'script-src', 'style-src']);

    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toBe(` nonce="${scriptNonce}"`);
    expect(scripts[0]![2]).toBe('document.forms[0].submit()');
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('uses a new script nonce for every page', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await authorize(t, frontChannelRequest(c, 'id_token', { response_mode: 'form_post' }), { user: testUser.id });
      nonces.add(directives(res.headers.get('content-security-policy'))['script-src']!);
      await res.text();
    }
    expect(nonces.size).toBe(3);
  });

  it('posts to the redirect URI exactly the response parameters as hidden inputs, HTML-escaped', async () => {
    const res = await authorize(t, frontChannelRequest(c, 'code id_token token', { response_mode: 'form_post', state: awkwardState }), { user: testUser.id });
    const { html, target, params, names } = await readFormPost(res);
    expect(target).toBe(c.redirectUri);
    expect([...names].sort()).toEqual(expectedNames('code id_token token'));
    expect(params['state']).toBe(awkwardState);
    expect(params['iss']).toBe(t.issuer('confidential'));
    expect(html).toContain('<input type="hidden" name="state" value="&quot;&lt;&gt;&amp;&#39;">');
    expect(html).not.toContain(awkwardState);
    expect(html).not.toContain('"<');
    // Nothing travels in the action URL.
    expect(target).not.toContain('?');
    const form = formAsBrowserSees(html);
    expect(form.fields.map(([name]) => name)).toEqual(names);
    expect((await userinfo(t, params['access_token']!)).status).toBe(200);
  });

  it('escapes the redirect URI in the form action, keeping its registered query', async () => {
    const res = await authorize(t, frontChannelRequest(c, 'id_token token', { response_mode: 'form_post', redirect_uri: redirectUriWithQuery }), { user: testUser.id });
    const { html, target, names } = await readFormPost(res);
    expect(html).toContain('<form method="post" action="https://client.example.com/cb?tenant=acme&amp;lang=en">');
    expect(target).toBe(redirectUriWithQuery);
    expect([...names].sort()).toEqual(expectedNames('id_token token'));
  });

  it('has a Continue submit button inside the form and a noscript hint', async () => {
    const res = await authorize(t, frontChannelRequest(c, 'id_token', { response_mode: 'form_post' }), { user: testUser.id });
    const { html } = await readFormPost(res);
    const form = formAsBrowserSees(html);
    expect(form.method).toBe('post');
    expect(form.buttons).toEqual(['submit:Continue']);
    expect(html).toMatch(/<noscript>[^<]*<p>[^<]+<\/p><\/noscript>/);
    // The button is not disabled or hidden: without JavaScript it is the only way on.
    expect(html).not.toMatch(/<button[^>]*(disabled|hidden)/);
  });

  it('renders errors in form_post mode as the same form', async () => {
    const { nonce: _omitted, ...request } = frontChannelRequest(c, 'code id_token', { response_mode: 'form_post', state: awkwardState });
    const res = await authorize(t, request, { user: testUser.id });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(directives(res.headers.get('content-security-policy'))['frame-ancestors']).toBe("'none'");
    const { target, params, names, html } = await readFormPost(res);
    expect(target).toBe(c.redirectUri);
    expect(names).toEqual(['error', 'error_description', 'state', 'iss']);
    expect(params).toEqual({
      error: 'invalid_request',
      error_description: 'nonce is required when an ID token is returned from the authorization endpoint',
      state: awkwardState,
      iss: t.issuer('confidential'),
    });
    expect(formAsBrowserSees(html).buttons).toEqual(['submit:Continue']);
  });
});

describe('submitted without JavaScript', () => {
  it.each(['id_token', 'code id_token token'])('delivers the %s response to the relying party exactly, by pressing Continue', async (responseType) => {
    const request = {
      ...frontChannelRequest(
        { slug: 'loopback-rp', clientId: 'loopback-rp-client', secret: 'loopback-rp-secret', redirectUri: rpCallback },
        responseType,
        { response_mode: 'form_post', state: awkwardState },
      ),
    };
    const page = await authorize(t, request, { user: testUser.id });
    const { params } = await readFormPost(page.clone());
    const form = formAsBrowserSees(await page.text());
    expect(form.action).toBe(rpCallback);

    received.length = 0;
    // A form submission: method POST, urlencoded fields in document order, the unnamed button adds nothing.
    const res = await fetch(form.action, {
      method: form.method.toUpperCase(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    });
    expect(await res.text()).toBe('signed in');
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.contentType).toBe('application/x-www-form-urlencoded');
    const posted = new URLSearchParams(received[0]!.body);
    expect(Object.fromEntries(posted)).toEqual(params);
    expect([...posted.keys()].sort()).toEqual(expectedNames(responseType));
    expect(posted.get('state')).toBe(awkwardState);
    expect(posted.get('iss')).toBe(t.issuer('loopback-rp'));
  });
});
