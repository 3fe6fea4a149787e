/**
 * Scopes whose built-in wording (`builtInScopeMappings` of `@gatehouse/core`) the catalogs translate.
 * @example
 * const scope: BuiltInScope = 'offline_access';
 * pageMessages.de.scopes[scope]; // 'Zugriff, während Sie abwesend sind'
 */
export type BuiltInScope = 'openid' | 'profile' | 'email' | 'offline_access' | 'entitlements';

/**
 * Every text of the router's pages in one language. Each catalog is typed with this interface, so
 * a missing or misspelt key in any language fails the type check. Messages are text without
 * markup; the functions only fill in their arguments, so pass escaped values where the result goes
 * into HTML.
 * @example
 * function renderBye(locale: Locale, messages: PageMessages = pageMessages[locale]): string {
 *   return renderPage(messages.logout.signedOutTitle, `<h1>${messages.logout.signedOutHeading}</h1>`, locale);
 * }
 */
export interface PageMessages {
  readonly consent: {
    readonly title: (application: string) => string;
    readonly heading: (application: string) => string;
    readonly signingInAs: (application: string, user: string) => string;
    readonly asksFor: string;
    readonly asksForMore: string;
    readonly alreadyAllowed: string;
    /** Marks a scope the user has not allowed before. */
    readonly newScope: string;
    readonly allow: string;
    readonly deny: string;
  };
  /** The built-in scopes' descriptions; a description configured for a scope is shown as configured. */
  readonly scopes: Readonly<Record<BuiltInScope, string>>;
  readonly device: {
    readonly title: string;
    readonly instructions: string;
    readonly codeLabel: string;
    readonly codeHint: string;
    readonly submit: string;
    readonly missingCode: string;
    readonly unknownCode: string;
    readonly formExpired: string;
    readonly connectedTitle: string;
    readonly connected: (application: string) => string;
    readonly deniedTitle: string;
    readonly denied: (application: string) => string;
  };
  readonly logout: {
    readonly title: string;
    readonly heading: string;
    readonly asks: (application: string) => string;
    readonly signedInAs: (user: string) => string;
    readonly signedIn: string;
    readonly signOut: string;
    readonly stay: string;
    readonly signedOutTitle: string;
    readonly signedOutHeading: string;
    readonly sessionEnded: string;
    readonly returnTo: (application: string) => string;
    readonly stillTitle: string;
    readonly stillHeading: string;
    readonly stillBody: string;
  };
  readonly errors: {
    readonly signInTitle: string;
    readonly signInHeading: string;
    readonly signOutTitle: string;
    readonly signOutHeading: string;
    /** What went wrong, in words for people, by kind; the server's own (English) description follows as detail. */
    readonly invalidRequest: string;
    readonly accessDenied: string;
    readonly notFound: string;
    readonly tooManyAttempts: string;
    readonly unavailable: string;
    readonly serverError: string;
    readonly details: string;
    readonly errorCode: string;
    readonly requestId: string;
  };
  readonly formPost: {
    readonly title: string;
    readonly explanation: string;
    readonly submit: string;
  };
}
