import type { RedirectUri } from './application.js';
import { memoryStores } from '../storage/memory/memory-stores.js';
import { makeApplication, manualClock } from '../testing/fixtures.js';
import { authorityPattern, createOriginRegistry, originOf } from './registered-origins.js';

const strict = (url: string, type: RedirectUri['type'] = 'authorization'): RedirectUri => ({ matchingMode: 'strict', url, type });
const regex = (url: string, type: RedirectUri['type'] = 'authorization'): RedirectUri => ({ matchingMode: 'regex', url, type });

describe('originOf', () => {
  it.each([
    ['https://app.example.com/cb?x=1', 'https://app.example.com'],
    ['https://APP.example.com:443/cb', 'https://app.example.com'],
    ['http://127.0.0.1:8765/callback', 'http://127.0.0.1:8765'],
    ['https://user:pass@app.example.com/cb', 'https://app.example.com'],
    ['capacitor://localhost/cb', 'capacitor://localhost'],
    ['urn:ietf:wg:oauth:2.0:oob', undefined],
    ['/relative/cb', undefined],
    ['+', undefined],
  ])('%s has the origin %s', (uri, origin) => {
    expect(originOf(uri)).toBe(origin);
  });
});

describe('authorityPattern', () => {
  it.each([
    ['cuts a pattern before its path', 'https://.*\\.example\\.com/cb', 'https://.*\\.example\\.com'],
    ['keeps a port pattern', 'https://app\\.example\\.com:\\d+/cb', 'https://app\\.example\\.com:\\d+'],
    ['knows escaped slashes', 'https?:\\/\\/[a-z]+\\.example\\.com\\/cb', 'https?:\\/\\/[a-z]+\\.example\\.com'],
    ['cuts before an optional slash', 'https://a\\.example\\.com/?.*', 'https://a\\.example\\.com'],
    ['ignores slashes inside a character class', 'https://[^/]+\\.example\\.com/cb', 'https://[^/]+\\.example\\.com'],
    ['ignores slashes inside a group', 'https://(a|b/c)\\.example\\.com/cb', 'https://(a|b/c)\\.example\\.com'],
    ['allows alternatives inside a group', 'https://(tenant-a|tenant-b)\\.example\\.com/cb', 'https://(tenant-a|tenant-b)\\.example\\.com'],
    ['refuses a top-level alternative', 'https://a\\.example\\.com/cb|https://b\\.example\\.com/cb', null],
    ['refuses a top-level alternative after the path', 'https://a\\.example\\.com/cb|.*', null],
    ['refuses a lookahead', '(?!https://evil)https://.*/cb', null],
    ['refuses a lookbehind', 'https://.*(?<!evil)/cb', null],
    ['refuses a backreference', 'https://(a+)\\.example\\.com/\\1', null],
    ['refuses a pattern without a path', 'https://.*\\.example\\.com', null],
    ['refuses a pattern without a scheme separator', '.*', null],
  ])('%s', (_name, pattern, expected) => {
    expect(authorityPattern(pattern)).toBe(expected);
  });
});

describe('createOriginRegistry', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  async function registryOf(...redirectUris: RedirectUri[][]) {
    const stores = memoryStores();
    for (const [i, uris] of redirectUris.entries()) {
      await stores.applications.save(makeApplication({ id: `app-${i}`, slug: `app-${i}`, clientId: `client-${i}`, redirectUris: uris }));
    }
    const clock = manualClock();
    return { stores, clock, registry: createOriginRegistry(stores.applications, clock, 30) };
  }

  it.each([
    ['the origin of a strict authorization URI', [strict('https://spa.example.com/callback')], 'https://spa.example.com', true],
    ['the origin of a strict logout URI', [strict('https://spa.example.com/bye', 'logout')], 'https://spa.example.com', true],
    ['a port of a strict URI', [strict('http://localhost:3000/cb')], 'http://localhost:3000', true],
    ['another port than the strict URI', [strict('http://localhost:3000/cb')], 'http://localhost:3001', false],
    ['another scheme than the strict URI', [strict('https://spa.example.com/cb')], 'http://spa.example.com', false],
    ['a subdomain of a strict URI', [strict('https://example.com/cb')], 'https://spa.example.com', false],
    ['a strict entry read as a regex (CVE-2024-52289)', [strict('https://spa.example.com/cb')], 'https://spaxexample.com', false],
    ['an origin of a regex entry, by its authority (authentik #22179)', [regex('https://.*\\.example\\.com/cb')], 'https://tenant.example.com', true],
    ['an origin a regex entry does not match', [regex('https://[a-z]+\\.example\\.com/cb')], 'https://tenant.example.org', false],
    ['a suffix attack on a regex entry', [regex('https://[a-z]+\\.example\\.com/cb')], 'https://tenant.example.com.evil.net', false],
    ['a regex port', [regex('http://localhost:\\d+/cb')], 'http://localhost:5173', true],
    ['a regex alternative, by its root URI', [regex('https://a\\.example\\.com/.*|https://b\\.example\\.com/.*')], 'https://b.example.com', true],
    ['the regex .* (any origin)', [regex('.*')], 'https://anything.example.net', true],
    ['a regex that matches only some other origin', [regex('http://local.invalid?')], 'http://localhost', false],
    ['an invalid regex, skipped', [regex('+'), strict('https://spa.example.com/cb')], 'https://spa.example.com', true],
    ['the literal origin null', [regex('.*')], 'null', false],
    ['an origin with a path', [strict('https://spa.example.com/cb')], 'https://spa.example.com/', false],
    ['an origin in upper case', [strict('https://spa.example.com/cb')], 'https://SPA.example.com', false],
    ['an origin with its default port', [strict('https://spa.example.com/cb')], 'https://spa.example.com:443', false],
    ['an overlong origin, never given to a regex', [regex('.*')], `https://${'a'.repeat(300)}.example.com`, false],
  ])('%s: %s', async (_name, uris, origin, expected) => {
    const { registry } = await registryOf(uris);
    expect(await registry.isRegistered(origin)).toBe(expected);
  });

  it('checks the origins of one application when given its client_id', async () => {
    const { registry } = await registryOf([strict('https://a.example.com/cb')], [regex('https://.*\\.b\\.example\\.com/cb')]);
    expect(await registry.isRegistered('https://a.example.com', 'client-0')).toBe(true);
    expect(await registry.isRegistered('https://a.example.com', 'client-1')).toBe(false);
    expect(await registry.isRegistered('https://x.b.example.com', 'client-1')).toBe(true);
    expect(await registry.isRegistered('https://x.b.example.com', 'client-0')).toBe(false);
    expect(await registry.isRegistered('https://a.example.com', 'unknown-client')).toBe(false);
  });

  it('sees a new application once the cache expired, answering from the old index meanwhile', async () => {
    const { stores, clock, registry } = await registryOf([strict('https://a.example.com/cb')]);
    expect(await registry.isRegistered('https://new.example.com')).toBe(false);
    await stores.applications.save(makeApplication({ id: 'new', slug: 'new', clientId: 'new', redirectUris: [strict('https://new.example.com/cb')] }));
    expect(await registry.isRegistered('https://new.example.com')).toBe(false);
    clock.advance(30);
    // The first question after expiry starts the reload and is answered from the old index.
    expect(await registry.isRegistered('https://new.example.com')).toBe(false);
    await settle();
    expect(await registry.isRegistered('https://new.example.com')).toBe(true);
  });

  it('lists the applications once per period, not per question', async () => {
    const { stores, clock, registry } = await registryOf([strict('https://a.example.com/cb')]);
    const list = jest.spyOn(stores.applications, 'list');
    await Promise.all(Array.from({ length: 20 }, (_, i) => registry.isRegistered(`https://${i}.example.com`)));
    expect(list).toHaveBeenCalledTimes(1);
    clock.advance(29);
    await registry.isRegistered('https://a.example.com');
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('keeps the old index when a reload fails, and answers false until a first index loads', async () => {
    const { stores, clock, registry } = await registryOf([strict('https://a.example.com/cb')]);
    const list = jest.spyOn(stores.applications, 'list').mockRejectedValueOnce(new Error('database unavailable'));
    expect(await registry.isRegistered('https://a.example.com')).toBe(false);
    expect(await registry.isRegistered('https://a.example.com')).toBe(true);
    list.mockRejectedValueOnce(new Error('database unavailable'));
    clock.advance(30);
    expect(await registry.isRegistered('https://a.example.com')).toBe(true);
    await settle();
    expect(await registry.isRegistered('https://a.example.com')).toBe(true);
    expect(list).toHaveBeenCalledTimes(3);
  });
});
