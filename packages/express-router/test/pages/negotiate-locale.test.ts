// The language of a page (OIDC Core §3.1.2.1 ui_locales, then RFC 9110 §12.5.4 Accept-Language,
// then English), as negotiateLocale picks it.
import { negotiateLocale } from '../../src/index.js';

describe('negotiateLocale', () => {
  it.each([
    ['de', undefined, 'de'],
    ['en', 'de', 'en'],
    ['fr-CA de en', undefined, 'de'],
    ['DE-at', undefined, 'de'],
    ['  fr   de-CH ', undefined, 'de'],
    ['fr', 'de', 'de'],
    ['fr it', undefined, 'en'],
    ['', 'de', 'de'],
  ])('takes the first supported tag of ui_locales %j (Accept-Language %j) → %s', (uiLocales, acceptLanguage, expected) => {
    expect(negotiateLocale(uiLocales, acceptLanguage)).toBe(expected);
  });

  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['en-US,en;q=0.9,de;q=0.8', 'en'],
    ['fr;q=1, de;q=0.5, en;q=0.4', 'de'],
    ['en;q=0.3, de;q=0.7', 'de'],
    ['de;q=0, en', 'en'],
    ['de;q=0.000, en;q=0.001', 'en'],
    ['de;q=2, en;q=0.5', 'en'],
    ['de;q=abc, en;q=0.5', 'en'],
    ['*', 'en'],
    ['fr, *;q=0.5', 'en'],
    ['en;q=0.8, de;q=0.8', 'en'],
    ['de ; Q=0.9 , en ; q=0.8', 'de'],
    [',,;q=,de', 'de'],
    ['', 'en'],
  ])('weighs Accept-Language %j → %s', (acceptLanguage, expected) => {
    expect(negotiateLocale(undefined, acceptLanguage)).toBe(expected);
  });

  it('falls back to English with neither', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('en');
  });
});
