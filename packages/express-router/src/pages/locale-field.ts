import type { Locale } from '../i18n/locale.js';

/**
 * A form's hidden `ui_locales` field: the page's language goes along with the answer, so what
 * the form's target shows next (an error, the next page) is in the same language.
 */
export function renderLocaleField(locale: Locale): string {
  return `<input type="hidden" name="ui_locales" value="${locale}">`;
}
