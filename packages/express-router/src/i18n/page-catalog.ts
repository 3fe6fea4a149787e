import type { Locale } from './locale.js';
import { de } from './messages-de.js';
import { en } from './messages-en.js';
import type { PageMessages } from './page-messages.js';

/** The pages' texts by language: a language in `supportedLocales` without a catalog fails the type check. */
export const pageMessages: Readonly<Record<Locale, PageMessages>> = { en, de };
