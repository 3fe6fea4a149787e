import { formatUserCode, generateUserCode, normalizeUserCode } from './user-code.js';

describe('user codes (RFC 8628 §6.1)', () => {
  it('are 8 letters of the base-20 alphabet without vowels, shown in two groups of four', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(formatUserCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
    }
  });

  it('use every letter of the alphabet', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateUserCode()).join(''));
    expect([...seen].sort().join('')).toBe('BCDFGHJKLMNPQRSTVWXZ');
  });

  it.each([
    ['WDJB-MJHT', 'WDJBMJHT'],
    ['wdjb-mjht', 'WDJBMJHT'],
    ['WDJBMJHT', 'WDJBMJHT'],
    [' wdjb mjht ', 'WDJBMJHT'],
    ['W-D-J-B-M-J-H-T', 'WDJBMJHT'],
    ['wdjb–mjht', 'WDJBMJHT'],
    ['WdJb.MjHt', 'WDJBMJHT'],
  ])('normalises %j to %s', (typed, normalized) => {
    expect(normalizeUserCode(typed)).toBe(normalized);
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['too few letters', 'WDJB-MJH'],
    ['too many letters', 'WDJB-MJHTX'],
    ['a vowel', 'WDJA-MJHT'],
    ['a digit', 'WDJ8-MJHT'],
    ['a non-ASCII letter', 'WDJÉ-MJHT'],
  ])('refuses %s', (_name, typed) => {
    expect(normalizeUserCode(typed)).toBeNull();
  });
});
