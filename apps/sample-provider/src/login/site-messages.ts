import type { Locale } from '@gatehouse/express-router';

/**
 * The texts of the provider's own pages (login, home, its error pages) in one language; the
 * router's pages have theirs in `pageMessages`. Typed per language, so a missing key fails the
 * type check; like the router's, messages carry no markup and functions only fill in arguments.
 */
export interface SiteMessages {
  readonly login: {
    readonly title: string;
    readonly heading: string;
    readonly username: string;
    readonly password: string;
    readonly submit: string;
    readonly failed: string;
    readonly expired: string;
    readonly unreadable: string;
    readonly tooManyAttempts: (minutes: number) => string;
  };
  readonly home: {
    readonly title: string;
    readonly signedInAs: (user: string) => string;
    readonly signOut: string;
    readonly notSignedIn: string;
    readonly signIn: string;
    readonly applications: string;
    readonly discovery: string;
  };
  readonly back: string;
  readonly notFoundTitle: string;
  readonly notFound: string;
  readonly unavailableTitle: string;
  readonly serverErrorTitle: string;
}

const en: SiteMessages = {
  login: {
    title: 'Sign in',
    heading: 'Sign in to Gatehouse',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    failed: 'Invalid username or password.',
    expired: 'The form expired. Please sign in again.',
    unreadable: 'The form could not be read. Please try again.',
    tooManyAttempts: (minutes) => `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  },
  home: {
    title: 'Gatehouse',
    signedInAs: (user) => `Signed in as ${user}.`,
    signOut: 'Sign out',
    notSignedIn: 'Not signed in.',
    signIn: 'Sign in',
    applications: 'Applications',
    discovery: 'discovery',
  },
  back: 'Back',
  notFoundTitle: 'Not found',
  notFound: 'There is no page at this address.',
  unavailableTitle: 'Try again shortly',
  serverErrorTitle: 'Error',
};

const de: SiteMessages = {
  login: {
    title: 'Anmelden',
    heading: 'Bei Gatehouse anmelden',
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    failed: 'Benutzername oder Passwort ist falsch.',
    expired: 'Das Formular ist abgelaufen. Bitte melden Sie sich erneut an.',
    unreadable: 'Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut.',
    tooManyAttempts: (minutes) => `Zu viele fehlgeschlagene Versuche. Versuchen Sie es in ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} erneut.`,
  },
  home: {
    title: 'Gatehouse',
    signedInAs: (user) => `Angemeldet als ${user}.`,
    signOut: 'Abmelden',
    notSignedIn: 'Nicht angemeldet.',
    signIn: 'Anmelden',
    applications: 'Anwendungen',
    discovery: 'Discovery-Dokument',
  },
  back: 'Zurück',
  notFoundTitle: 'Nicht gefunden',
  notFound: 'Unter dieser Adresse gibt es keine Seite.',
  unavailableTitle: 'Bitte gleich noch einmal versuchen',
  serverErrorTitle: 'Fehler',
};

/** The provider's texts by language: every language of the router's pages needs one. */
export const siteMessages: Readonly<Record<Locale, SiteMessages>> = { en, de };
