import type { RedirectUri } from '../clients/application.js';
import { memoryStores } from '../storage/memory/memory-stores.js';
import { makeApplication } from '../testing/fixtures.js';
import { isRegisteredRedirectUri, resolveRedirectUri, soleRedirectUri } from './redirect-uri.js';

const strict = (url: string, type: RedirectUri['type'] = 'authorization'): RedirectUri => ({ matchingMode: 'strict', url, type });
const regex = (url: string, type: RedirectUri['type'] = 'authorization'): RedirectUri => ({ matchingMode: 'regex', url, type });
const withUris = (...redirectUris: RedirectUri[]) => makeApplication({ redirectUris });

describe('isRegisteredRedirectUri', () => {
  it.each([
    ['accepts the exact strict URI', [strict('https://app.example.com/cb')], 'https://app.example.com/cb', true],
    ['refuses a strict URI with a trailing slash added', [strict('https://app.example.com/cb')], 'https://app.example.com/cb/', false],
    ['refuses a strict URI with a query added', [strict('https://app.example.com/cb')], 'https://app.example.com/cb?x=1', false],
    ['refuses a strict URI differing in case', [strict('https://app.example.com/cb')], 'https://APP.example.com/cb', false],
    ['refuses a strict URI with an explicit default port', [strict('https://app.example.com/cb')], 'https://app.example.com:443/cb', false],
    ['takes a strict entry literally, not as a regex (CVE-2024-52289)', [strict('https://foo.example.com')], 'https://fooaexample.com', false],
    ['anchors a regex: http://local.invalid? does not match http://localhost', [regex('http://local.invalid?')], 'http://localhost', false],
    ['anchors a regex at the start', [regex('http://localhost')], 'http://local.invalid?http://localhost', false],
    ['anchors a regex at the end', [regex('https://app\\.example\\.com/cb')], 'https://app.example.com/cb.evil.example', false],
    ['anchors the end of the first alternative of a regex', [regex('https://a\\.example/cb|https://b\\.example/cb')], 'https://a.example/cb.evil.example', false],
    ['anchors the start of the last alternative of a regex', [regex('https://a\\.example/cb|https://b\\.example/cb')], 'https://evil.example/?https://b.example/cb', false],
    ['accepts either alternative of a regex', [regex('https://a\\.example/cb|https://b\\.example/cb')], 'https://b.example/cb', true],
    ['accepts a full match of a regex', [regex('https://[a-z]+\\.example\\.com/cb')], 'https://tenant.example.com/cb', true],
    ['accepts any URI with the regex .+', [regex('.+')], 'foo://localhost/anything?x=1', true],
    ['skips an invalid regex instead of throwing', [regex('+')], 'https://app.example.com/cb', false],
    ['still matches a valid entry after an invalid regex', [regex('+'), strict('https://app.example.com/cb')], 'https://app.example.com/cb', true],
    ['ignores logout URIs when checking authorization', [strict('https://app.example.com/cb', 'logout')], 'https://app.example.com/cb', false],
  ])('%s', (_name, uris, uri, expected) => {
    expect(isRegisteredRedirectUri(withUris(...uris), uri, 'authorization')).toBe(expected);
  });

  it('checks logout URIs only against logout entries', () => {
    const application = withUris(strict('https://app.example.com/cb'), strict('https://app.example.com/bye', 'logout'));
    expect(isRegisteredRedirectUri(application, 'https://app.example.com/bye', 'logout')).toBe(true);
    expect(isRegisteredRedirectUri(application, 'https://app.example.com/cb', 'logout')).toBe(false);
  });
});

describe('resolveRedirectUri', () => {
  const noRegistration = {
    registerRedirectUri: async () => {
      throw new Error('must not register');
    },
  };

  it.each([
    ['a registered strict URI', [strict('https://app.example.com/cb')], 'https://app.example.com/cb'],
    ['a custom scheme URI (native apps)', [strict('foo://localhost')], 'foo://localhost'],
    ['a URI matched by the regex .*', [regex('.*')], 'https://anywhere.example.net/cb?x=1'],
  ])('accepts %s', async (_name, uris, uri) => {
    const application = withUris(...uris);
    await expect(resolveRedirectUri(application, uri, noRegistration)).resolves.toBe(application);
  });

  it.each([
    ['a missing redirect_uri', [strict('https://app.example.com/cb')], undefined, 'redirect_uri is required'],
    ['an empty redirect_uri', [strict('https://app.example.com/cb')], '', 'redirect_uri is required'],
    ['an unregistered URI', [strict('https://app.example.com/cb')], 'https://evil.example.net/cb', 'redirect_uri is not registered for this client'],
    ['a relative URI', [regex('.*')], '/cb', 'redirect_uri is not an absolute URI'],
    ['a bare + (no scheme)', [regex('.*')], '+', 'redirect_uri is not an absolute URI'],
    ['a fragment, even when registered', [strict('https://app.example.com/cb#x')], 'https://app.example.com/cb#x', 'redirect_uri must not contain a fragment'],
    ['an empty fragment matched by .*', [regex('.*')], 'https://app.example.com/cb#', 'redirect_uri must not contain a fragment'],
    ['javascript: even when registered exactly', [strict('javascript:alert(1)')], 'javascript:alert(1)', 'redirect_uri uses a forbidden scheme'],
    ['javascript: matched by .* (CVE-2024-21637)', [regex('.*')], 'javascript:alert(document.domain)', 'redirect_uri uses a forbidden scheme'],
    ['JavaScript: in mixed case', [regex('.*')], 'JavaScript:alert(1)', 'redirect_uri uses a forbidden scheme'],
    ['java<TAB>script:, which browsers read as javascript:', [regex('.*')], 'java\tscript:alert(1)', 'redirect_uri uses a forbidden scheme'],
    ['data: even when registered exactly', [strict('data:text/html,<script>alert(1)</script>')], 'data:text/html,<script>alert(1)</script>', 'redirect_uri uses a forbidden scheme'],
    ['data: matched by .*', [regex('.*')], 'data:text/html;base64,PHNjcmlwdD4=', 'redirect_uri uses a forbidden scheme'],
    ['vbscript: even when registered exactly', [strict('vbscript:msgbox(1)')], 'vbscript:msgbox(1)', 'redirect_uri uses a forbidden scheme'],
    ['vbscript: matched by .*', [regex('.*')], 'vbscript:msgbox(1)', 'redirect_uri uses a forbidden scheme'],
    ['a URI matching only an invalid regex +', [regex('+')], 'https://app.example.com/cb', 'redirect_uri is not registered for this client'],
  ])('refuses %s, without redirecting', async (_name, uris, uri, description) => {
    await expect(resolveRedirectUri(withUris(...uris), uri, noRegistration)).rejects.toMatchObject({
      code: 'invalid_request',
      description,
      redirectable: false,
    });
  });

  describe('first-use registration', () => {
    it('registers the first URI of an application without one, as a strict entry', async () => {
      const stores = memoryStores();
      const logout = strict('https://app.example.com/bye', 'logout');
      await stores.applications.save(withUris(logout));
      const application = (await stores.applications.findByClientId('client-1'))!;

      const resolved = await resolveRedirectUri(application, 'https://app.example.com/first', stores.applications);

      expect(resolved.redirectUris).toEqual([logout, strict('https://app.example.com/first')]);
      expect(await stores.applications.findByClientId('client-1')).toEqual(resolved);
    });

    it('then refuses any other URI, including one the first would match as a regex', async () => {
      const stores = memoryStores();
      await stores.applications.save(withUris());
      await resolveRedirectUri((await stores.applications.findByClientId('client-1'))!, 'https://foo.example.com', stores.applications);
      const registered = (await stores.applications.findByClientId('client-1'))!;

      await expect(resolveRedirectUri(registered, 'https://fooaexample.com', stores.applications)).rejects.toMatchObject({
        code: 'invalid_request',
        redirectable: false,
      });
    });

    it('refuses the loser of two concurrent first uses', async () => {
      const stores = memoryStores();
      await stores.applications.save(withUris());
      const stale = (await stores.applications.findByClientId('client-1'))!;

      const results = await Promise.allSettled([
        resolveRedirectUri(stale, 'https://app.example.com/one', stores.applications),
        resolveRedirectUri(stale, 'https://app.example.com/two', stores.applications),
      ]);

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
      expect((await stores.applications.findByClientId('client-1'))?.redirectUris).toEqual([strict('https://app.example.com/one')]);
    });

    it.each([
      ['a forbidden scheme', 'javascript:alert(1)'],
      ['a relative URI', '/cb'],
      ['a URI with a fragment', 'https://app.example.com/cb#x'],
    ])('never registers %s', async (_name, uri) => {
      const stores = memoryStores();
      await stores.applications.save(withUris());
      await expect(resolveRedirectUri(withUris(), uri, stores.applications)).rejects.toMatchObject({ code: 'invalid_request' });
      expect((await stores.applications.findByClientId('client-1'))?.redirectUris).toEqual([]);
    });
  });
});

describe('soleRedirectUri (RFC 6749 §3.1.2.3)', () => {
  it.each([
    ['the one strict authorization URI', [strict('https://app.example.com/cb')], 'https://app.example.com/cb'],
    ['the one authorization URI beside logout URIs', [strict('https://app.example.com/bye', 'logout'), strict('https://app.example.com/cb')], 'https://app.example.com/cb'],
    ['nothing when several are registered', [strict('https://app.example.com/cb'), strict('https://app.example.com/other')], undefined],
    ['nothing for a regex entry: it is not a URI', [regex('https://app\\.example\\.com/cb')], undefined],
    ['nothing when none is registered yet', [], undefined],
  ])('is %s', (_name, uris, expected) => {
    expect(soleRedirectUri(withUris(...uris))).toBe(expected);
  });
});
