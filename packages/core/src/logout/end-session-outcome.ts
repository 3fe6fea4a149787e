import type { ErrorOutcome } from '../authorize/authorization-outcome.js';

/**
 * The logout is done on the server's side (the session's grants and their tokens are revoked,
 * relying parties are being notified): the host ends its browser session when `endSession` is
 * true, then the browser goes to `redirectTo` or sees a "you have been signed out" page.
 */
export interface SignedOutOutcome {
  readonly kind: 'signed-out';
  /** False when nobody was signed in: there is no session to end. */
  readonly endSession: boolean;
  /** The validated post-logout redirect URI with `state`; null for the signed-out page. */
  readonly redirectTo: string | null;
  readonly application: { readonly name: string };
}

/** The request cannot be trusted to speak for the signed-in user: ask them first. */
export interface LogoutConfirmationOutcome {
  readonly kind: 'confirm-logout';
  /** Goes back, with the user's decision, to `confirmEndSession`. */
  readonly interactionId: string;
  readonly application: { readonly name: string; readonly slug: string };
  /** Null when the session's user no longer exists. */
  readonly user: { readonly username: string } | null;
}

/** The user chose to stay signed in; nothing was revoked. */
export interface StillSignedInOutcome {
  readonly kind: 'still-signed-in';
  readonly application: { readonly name: string };
}

export type EndSessionOutcome = SignedOutOutcome | LogoutConfirmationOutcome | StillSignedInOutcome | ErrorOutcome;
