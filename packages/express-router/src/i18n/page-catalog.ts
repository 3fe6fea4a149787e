import type { Locale } from './locale.js';
import { de } from './messages-de.js';
import { en } from './messages-en.js';
import type { PageMessages } from './page-messages.js';

/**
 * The pages' texts by language: a language in `supportedLocales` without a catalog fails the type check.
 * @example
 * pageMessages.de.consent.allow; // 'Erlauben'
 * pageMessages.en.logout.signedInAs('alice'); // 'You are signed in as alice.'
 */
export const pageMessages: Readonly<Record<Locale, PageMessages>> = { en, de };
