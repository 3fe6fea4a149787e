import type { OAuthError } from '../errors/oauth-error.js';
import type { ReplyTarget } from './authorization-request.js';

/** Send the browser back to the client with these parameters, in the target's response mode. */
export interface RedirectOutcome {
  readonly kind: 'redirect';
  readonly target: Pick<ReplyTarget, 'redirectUri' | 'responseMode'>;
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * The user must (re-)authenticate: send the browser to the login page, then to
 * `resumeAuthorization` with this interaction id.
 */
export interface LoginOutcome {
  readonly kind: 'login';
  readonly interactionId: string;
  readonly loginHint: string | undefined;
  /** A signed-in user must log in again (`prompt=login`, or `max_age` exceeded). */
  readonly reauthenticate: boolean;
  /** The request's `ui_locales`, for the login page's language. */
  readonly uiLocales?: string | undefined;
}

/** Ask the user; the answer goes to `completeConsent` with this interaction id. */
export interface ConsentOutcome {
  readonly kind: 'consent';
  readonly interactionId: string;
  readonly application: { readonly name: string; readonly slug: string };
  readonly user: { readonly username: string; readonly name: string };
  /** Every requested scope; `granted` marks those a remembered consent already covers. */
  readonly scopes: readonly { readonly scope: string; readonly description: string; readonly granted: boolean }[];
  /** The authorization request's `ui_locales`, for the page's language (none for a device). */
  readonly uiLocales?: string | undefined;
}

/** The request cannot be answered to the client (unknown client, untrusted redirect URI): show it. */
export interface ErrorOutcome {
  readonly kind: 'error';
  readonly error: OAuthError;
}

export type AuthorizationOutcome = RedirectOutcome | LoginOutcome | ConsentOutcome | ErrorOutcome;
