// The catalogs beyond what the type checker enforces: every built-in scope of the core is
// translated in every language, and no message carries markup (the pages insert them unescaped).
import { builtInScopeMappings } from '@gatehouse/core';
import { pageMessages, supportedLocales, type PageMessages } from '../../src/index.js';

/** Every text of a catalog, functions called with a marker argument. */
function textsOf(messages: PageMessages): string[] {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (typeof value === 'function') texts.push(String((value as (...args: string[]) => unknown)('ARG', 'ARG')));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(messages);
  return texts;
}

describe.each(supportedLocales)('the %s catalog', (locale) => {
  it('describes every built-in scope of the core', () => {
    for (const { scope } of builtInScopeMappings) expect(pageMessages[locale].scopes).toHaveProperty([scope], expect.stringMatching(/\S/));
  });

  it('has no empty message and no markup', () => {
    const texts = textsOf(pageMessages[locale]);
    expect(texts.length).toBeGreaterThan(40);
    for (const text of texts) expect(text).toMatch(/^[^<>&"]*\S[^<>&"]*$/);
  });
});

it('the German catalog is a translation, not a copy of the English one', () => {
  const english = textsOf(pageMessages.en);
  const same = textsOf(pageMessages.de).filter((text, index) => text === english[index]);
  // Words both languages share: the code field's label and "Details".
  expect(same).toEqual(['Code', 'Details']);
});
