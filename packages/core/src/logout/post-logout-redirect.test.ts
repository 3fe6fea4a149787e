import { OAuthError } from '../errors/oauth-error.js';
import { makeApplication } from '../testing/fixtures.js';
import { postLogoutRedirect } from './post-logout-redirect.js';

const application = makeApplication({
  redirectUris: [
    { matchingMode: 'strict', url: 'https://app.example.com/callback', type: 'authorization' },
    { matchingMode: 'strict', url: 'https://app.example.com/bye?lang=en', type: 'logout' },
    { matchingMode: 'regex', url: 'https://[a-z]+\\.example\\.org/bye', type: 'logout' },
    { matchingMode: 'strict', url: 'com.example.app:/signed-out', type: 'logout' },
  ],
});

describe('postLogoutRedirect', () => {
  it.each([
    ['a strict logout URI, keeping its query', 'https://app.example.com/bye?lang=en', 'a b&c', 'https://app.example.com/bye?lang=en&state=a+b%26c'],
    ['a regex logout URI', 'https://tenant.example.org/bye', 'x', 'https://tenant.example.org/bye?state=x'],
    ['a custom scheme', 'com.example.app:/signed-out', undefined, 'com.example.app:/signed-out'],
    ['no URI', undefined, 'x', null],
    ['an unregistered URI', 'https://evil.example.com/bye', 'x', null],
    ['an authorization URI', 'https://app.example.com/callback', 'x', null],
    ['a URI that only begins like a regex entry (regexes are anchored)', 'https://tenant.example.org/bye/evil', 'x', null],
    ['a relative URI', '/bye', 'x', null],
  ])('answers %s', (_name, uri, state, expected) => {
    expect(postLogoutRedirect(application, uri, state, true)).toBe(expected);
  });

  it('drops even a registered URI when the application is not known from a hint or client_id', () => {
    expect(postLogoutRedirect(application, 'https://app.example.com/bye?lang=en', 'x', false)).toBeNull();
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,hi', 'vbscript:msgbox(1)'])('refuses %s', (uri) => {
    expect(() => postLogoutRedirect(makeApplication({ redirectUris: [{ matchingMode: 'regex', url: '.*', type: 'logout' }] }), uri, undefined, true)).toThrow(OAuthError);
  });
});
