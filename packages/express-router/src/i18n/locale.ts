/** The languages of the pages. English comes first: it is what a browser gets when nothing it asks for is here. */
export const supportedLocales = ['en', 'de'] as const;

/** A language the pages are written in (a BCP 47 primary language subtag). */
export type Locale = (typeof supportedLocales)[number];

export const defaultLocale: Locale = 'en';
