import { formatScope, narrowScopes, parseScope } from './scopes.js';

describe('parseScope', () => {
  it.each([
    ['reads no scope from an absent parameter', undefined, []],
    ['reads no scope from an empty parameter', '', []],
    ['reads no scope from spaces only', '   ', []],
    ['splits on spaces (RFC 6749 §3.3)', 'openid profile email', ['openid', 'profile', 'email']],
    ['ignores repeated, leading and trailing spaces', '  openid   email ', ['openid', 'email']],
    ['drops duplicates, keeping the first position', 'email openid email profile openid', ['email', 'openid', 'profile']],
    ['keeps case: scope names are case-sensitive', 'OpenID openid', ['OpenID', 'openid']],
    ['splits on spaces only, not on other whitespace', 'openid\tprofile', ['openid\tprofile']],
  ])('%s', (_name, value, expected) => {
    expect(parseScope(value)).toEqual(expected);
  });
});

describe('formatScope', () => {
  it('joins scope names with single spaces', () => {
    expect(formatScope(['openid', 'profile'])).toBe('openid profile');
    expect(formatScope([])).toBe('');
  });
});

describe('narrowScopes', () => {
  const allowed = ['openid', 'profile', 'email', 'offline_access'];

  it.each([
    ['grants every allowed scope when none is requested (behaviour spec §4.2)', [], allowed, allowed, []],
    ['grants nothing when none is requested and none is allowed', [], [], [], []],
    ['grants the requested scopes that are allowed', ['openid', 'email'], allowed, ['openid', 'email'], []],
    ['keeps the requested order', ['email', 'openid'], allowed, ['email', 'openid'], []],
    ['drops requested scopes that are not allowed', ['openid', 'admin', 'email', 'write'], allowed, ['openid', 'email'], ['admin', 'write']],
    ['drops everything when nothing requested is allowed', ['admin'], allowed, [], ['admin']],
    ['drops everything when nothing is allowed', ['openid'], [], [], ['openid']],
    ['compares names exactly', ['OpenID'], allowed, [], ['OpenID']],
  ])('%s', (_name, requested, allowedScopes, granted, dropped) => {
    expect(narrowScopes(requested, allowedScopes)).toEqual({ granted, dropped });
  });

  it('returns a copy of the allowed list, not the list itself', () => {
    const result = narrowScopes([], allowed);
    result.granted.push('admin');
    expect(allowed).not.toContain('admin');
  });
});
