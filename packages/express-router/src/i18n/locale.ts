/**
 * The languages of the pages. English comes first: it is what a browser gets when nothing it asks for is here.
 * @example
 * supportedLocales.includes('de'); // true
 */
export const supportedLocales = ['en', 'de'] as const;

/**
 * A language the pages are written in (a BCP 47 primary language subtag).
 * @example
 * const locale: Locale = negotiateLocale(req.query.ui_locales, req.headers['accept-language']);
 */
export type Locale = (typeof supportedLocales)[number];

export const defaultLocale: Locale = 'en';
