import { digestToken } from '../tokens/opaque-token.js';

/** RFC 8628 §3.4. */
export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * A device authorization request (RFC 8628 §3.1), kept in the CodeCache under the digest of its
 * device code. Written once; the user's answer and the polling pace live under keys of their own
 * so that concurrent writers (the user on the page, the device polling) never overwrite each other.
 */
export interface DeviceCodeRecord {
  readonly applicationId: string;
  readonly clientId: string;
  /** Narrowed at the device authorization endpoint; the tokens get exactly these (CVE-2024-52287). */
  readonly scopes: readonly string[];
  /** Epoch seconds; the record outlives it as a tombstone, see {@link deviceCodeTombstoneSeconds}. */
  readonly expiresAt: number;
  /** The polling interval announced to the device, in seconds. */
  readonly interval: number;
}

/** The user's answer on the device page, written once (the first answer wins). */
export type DeviceDecision =
  | {
      readonly kind: 'approved';
      /** Decided on approval, so that a replayed device code can revoke what its first use minted. */
      readonly grantId: string;
      readonly userId: string;
      /** When the user authenticated, not when the device asked (authentik uses the issue time). */
      readonly authTime: number;
      readonly amr: readonly string[];
    }
  | { readonly kind: 'denied' };

/**
 * How long an expired device code is still recognised, so that a late poll is told
 * `expired_token` (RFC 8628 §3.5) rather than `invalid_grant` for an unknown code.
 */
export const deviceCodeTombstoneSeconds = 3600;

/** RFC 8628 §3.2: the polling interval when nothing else was decided (5 s, the RFC's default). */
export const devicePollIntervalSeconds = 5;

/** The CodeCache keys of one device authorization, from the digest of its device code. */
export const deviceKeys = (deviceCodeDigest: string) => ({
  record: `device:${deviceCodeDigest}`,
  decision: `device-decision:${deviceCodeDigest}`,
  /** Present while the device must not poll again yet; its lifetime is the current interval. */
  pace: `device-pace:${deviceCodeDigest}`,
  /** The interval after `slow_down` answers, when it has grown. */
  interval: `device-interval:${deviceCodeDigest}`,
});

export const deviceCodeDigest = (deviceCode: string): string => digestToken(deviceCode);

/** The index from a (normalised) user code to the digest of its device code. */
export const userCodeKey = (normalizedUserCode: string): string => `device-user-code:${digestToken(normalizedUserCode)}`;
