import { defaultLocale, supportedLocales, type Locale } from './locale.js';

const supported: ReadonlySet<string> = new Set(supportedLocales);

/** The supported language of a BCP 47 tag: `de`, `de-CH` and `DE-de` are all German. */
function localeOf(tag: string): Locale | undefined {
  const language = tag.trim().toLowerCase().split('-')[0] ?? '';
  return supported.has(language) ? (language as Locale) : undefined;
}

// RFC 9110 §12.4.2: a weight is 0 to 1 with at most three decimals, 1 when missing; a broken
// weight counts as 0, so a range the browser did not state clearly is not used.
function weightOf(parameters: readonly string[]): number {
  const q = parameters.map((parameter) => parameter.trim()).find((parameter) => /^q=/i.test(parameter));
  if (q === undefined) return 1;
  const value = q.slice(2);
  return /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value) ? Number(value) : 0;
}

/** RFC 9110 §12.5.4: the ranges of Accept-Language, heaviest first; `q=0` (or a broken weight) means "not this one". */
function acceptedTags(acceptLanguage: string): string[] {
  return acceptLanguage
    .split(',')
    .map((range, index) => {
      const [tag = '', ...parameters] = range.split(';');
      return { tag, weight: weightOf(parameters), index };
    })
    .filter((range) => range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((range) => range.tag);
}

/**
 * The language of a page. OIDC Core §3.1.2.1: `ui_locales` is a space-separated list of BCP 47
 * tags in order of preference, and the first supported one wins; without one, the browser's
 * Accept-Language (RFC 9110 §12.5.4) decides; then English.
 * @example
 * negotiateLocale('fr-CA de-AT', undefined); // 'de'
 * negotiateLocale(undefined, 'en-US;q=0.5, de;q=0.9'); // 'de'
 * negotiateLocale('ja', 'fr'); // 'en'
 */
export function negotiateLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of uiLocales?.split(' ') ?? []) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  for (const tag of acceptLanguage ? acceptedTags(acceptLanguage) : []) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  return defaultLocale;
}
