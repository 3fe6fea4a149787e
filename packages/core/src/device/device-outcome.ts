import type { ConsentOutcome, ErrorOutcome } from '../authorize/authorization-outcome.js';
import type { SessionUser } from '../authorize/authorization-request.js';
import type { OAuthError } from '../errors/oauth-error.js';

/** A user code typed on the device page (RFC 8628 §3.3), by the browser's signed-in user. */
export interface DeviceVerificationInput {
  /** As typed: case, dashes and spaces do not matter. */
  readonly userCode: string | undefined;
  readonly session: SessionUser | null;
  /** Guesses are counted per user and per address. */
  readonly clientIp: string | undefined;
  readonly requestId: string;
}

/** The answer of the consent page shown for a device. */
export interface DeviceConsentDecisionInput {
  readonly interactionId: string;
  readonly decision: 'allow' | 'deny';
  readonly session: SessionUser | null;
  readonly requestId: string;
}

/** Sign in first, then come back to the device page with this code filled in. */
export interface DeviceLoginOutcome {
  readonly kind: 'login';
  readonly userCode: string | undefined;
}

/** Show the code form again, with the code as typed and why it was not accepted. */
export interface DeviceCodeRetryOutcome {
  readonly kind: 'retry';
  readonly userCode: string | undefined;
  /** Why, for a page in the user's language: no code was entered, or no pending request has it. */
  readonly reason: 'missingCode' | 'unknownCode';
  readonly error: OAuthError;
}

/** The user answered; the device learns it at its next poll. */
export interface DeviceDoneOutcome {
  readonly kind: 'done';
  readonly decision: 'allow' | 'deny';
  readonly application: { readonly name: string; readonly slug: string };
}

/**
 * What the device page shows next: the login hand-off, the code form again, the consent page
 * (answered through `completeDeviceConsent`), an error page (policy denial, too many guesses:
 * `error.status` 429 with `retryAfterSeconds`), or the result.
 */
export type DeviceOutcome = DeviceLoginOutcome | DeviceCodeRetryOutcome | ConsentOutcome | ErrorOutcome | DeviceDoneOutcome;
