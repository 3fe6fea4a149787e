import { defaults } from './defaults.js';
import { resolveSettings, type SettingsInput } from './schema.js';

describe('resolveSettings', () => {
  it.each([
    ['keeps a base URL without trailing slash', 'https://id.example.com', 'https://id.example.com'],
    ['strips a trailing slash', 'https://id.example.com/', 'https://id.example.com'],
    ['strips repeated trailing slashes', 'http://localhost:3000//', 'http://localhost:3000'],
    ['keeps a path prefix, without its trailing slash', 'https://example.com/auth/', 'https://example.com/auth'],
    ['accepts http (development)', 'http://localhost:3000', 'http://localhost:3000'],
  ])('%s', (_name, baseUrl, expected) => {
    expect(resolveSettings({ baseUrl }).baseUrl).toBe(expected);
  });

  it.each([
    ['a string that is no URL', 'not a url', 'Invalid URL'],
    ['an empty string', '', 'Invalid URL'],
    ['a relative path', '/auth', 'Invalid URL'],
    ['a scheme other than http(s)', 'ftp://id.example.com', 'Invalid URL'],
    ['a query', 'https://id.example.com/?tenant=1', 'baseUrl must not carry a query or fragment'],
    ['a fragment', 'https://id.example.com/#top', 'baseUrl must not carry a query or fragment'],
  ])('refuses %s, naming baseUrl in the message', (_name, baseUrl, reason) => {
    const run = () => resolveSettings({ baseUrl });
    expect(run).toThrow(/^invalid Gatehouse configuration: /);
    expect(run).toThrow(reason);
    expect(run).toThrow(/at baseUrl/);
  });

  it('refuses a missing baseUrl', () => {
    expect(() => resolveSettings({} as SettingsInput)).toThrow(/at baseUrl/);
  });

  it('applies every default', () => {
    expect(resolveSettings({ baseUrl: 'https://id.example.com' })).toEqual({
      baseUrl: 'https://id.example.com',
      interactionTtlSeconds: 600,
      allowPlainPkce: true,
      subjectSalt: 'gatehouse',
      acr: 'urn:gatehouse:acr:default',
      keyCacheSeconds: 60,
      originCacheSeconds: 30,
      refreshTokenGraceSeconds: 5,
      storeCacheSeconds: 0,
      logoutTokenTtlSeconds: 120,
      backchannelLogoutAttempts: 4,
      backchannelLogoutRetrySeconds: 2,
      backchannelLogoutTimeoutSeconds: 5,
      // Random per server when not configured.
      secretKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(defaults).toEqual({ interactionTtlSeconds: 600, allowPlainPkce: true, subjectSalt: 'gatehouse', acr: 'urn:gatehouse:acr:default', keyCacheSeconds: 60, originCacheSeconds: 30, refreshTokenGraceSeconds: 5, storeCacheSeconds: 0, logoutTokenTtlSeconds: 120, backchannelLogoutAttempts: 4, backchannelLogoutRetrySeconds: 2, backchannelLogoutTimeoutSeconds: 5 });
  });

  it('keeps given values over the defaults', () => {
    const input = { baseUrl: 'https://id.example.com', interactionTtlSeconds: 120, allowPlainPkce: false, subjectSalt: 'install-1', acr: 'urn:example:loa:2', keyCacheSeconds: 0, originCacheSeconds: 5, refreshTokenGraceSeconds: 0, storeCacheSeconds: 5, logoutTokenTtlSeconds: 60, backchannelLogoutAttempts: 1, backchannelLogoutRetrySeconds: 0, backchannelLogoutTimeoutSeconds: 1, secretKey: 's'.repeat(32) };
    expect(resolveSettings(input)).toEqual(input);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(resolveSettings({ baseUrl: 'https://id.example.com' }))).toBe(true);
  });

  it.each([
    ['a zero interaction TTL', { interactionTtlSeconds: 0 }, 'interactionTtlSeconds'],
    ['a negative interaction TTL', { interactionTtlSeconds: -5 }, 'interactionTtlSeconds'],
    ['a fractional interaction TTL', { interactionTtlSeconds: 1.5 }, 'interactionTtlSeconds'],
    ['an empty subject salt', { subjectSalt: '' }, 'subjectSalt'],
    ['a non-boolean allowPlainPkce', { allowPlainPkce: 'yes' }, 'allowPlainPkce'],
  ])('refuses %s', (_name, override, field) => {
    expect(() => resolveSettings({ baseUrl: 'https://id.example.com', ...override } as SettingsInput)).toThrow(`at ${field}`);
  });

  it('names every wrong field in one message', () => {
    const run = () => resolveSettings({ baseUrl: 'nope', interactionTtlSeconds: 0, subjectSalt: '' });
    expect(run).toThrow(/at baseUrl[\s\S]*at interactionTtlSeconds[\s\S]*at subjectSalt/);
  });
});
