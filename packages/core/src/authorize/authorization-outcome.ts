import type { OAuthError } from '../errors/oauth-error.js';
import type { ReplyTarget } from './authorization-request.js';

/** Send the browser back to the client with these parameters, in the target's response mode. */
export interface RedirectOutcome {
  readonly kind: 'redirect';
  readonly target: Pick<ReplyTarget, 'redirectUri' | 'responseMode'>;
  readonly parameters: Readonly<Record<string, string>>;
}

/** Nobody is signed in: send the browser to the login page, then back to the same request. */
export interface LoginOutcome {
  readonly kind: 'login';
  readonly loginHint: string | undefined;
}

/** Ask the user; the answer goes to `completeConsent` with this interaction id. */
export interface ConsentOutcome {
  readonly kind: 'consent';
  readonly interactionId: string;
  readonly application: { readonly name: string; readonly slug: string };
  readonly scopes: readonly { readonly scope: string; readonly description: string }[];
}

/** The request cannot be answered to the client (unknown client, untrusted redirect URI): show it. */
export interface ErrorOutcome {
  readonly kind: 'error';
  readonly error: OAuthError;
}

export type AuthorizationOutcome = RedirectOutcome | LoginOutcome | ConsentOutcome | ErrorOutcome;
