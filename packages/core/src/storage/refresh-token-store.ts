/**
 * A refresh token, stored under the digest of its value. Every rotation of one original token
 * shares its `familyId`; the grant's id reaches them all.
 */
export interface RefreshTokenRecord {
  readonly tokenDigest: string;
  readonly grantId: string;
  readonly familyId: string;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** When it was exchanged for its successor; null while it is the family's current token. */
  readonly rotatedAt: number | null;
  /** Digest of the successor, once rotated. */
  readonly replacedBy: string | null;
  readonly revokedAt: number | null;
}

/** The outcome of a rotation attempt. */
export interface Rotation {
  /** True for exactly one of any number of concurrent rotations of the same token. */
  readonly rotated: boolean;
  /** The token as it is after the attempt (with `rotatedAt` / `replacedBy` of the winner). */
  readonly previous: RefreshTokenRecord;
}

export interface RefreshTokenStore {
  create(record: RefreshTokenRecord): Promise<void>;
  /** The record, revoked or rotated ones included, or null when unknown or expired at `now`. */
  find(tokenDigest: string, now: number): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks `tokenDigest` rotated and stores `successor`, unless it was already rotated
   * or revoked: then nothing is written and `rotated` is false (RFC 9700 §4.14.2 reuse detection).
   * Null when the token is unknown.
   */
  rotate(tokenDigest: string, successor: RefreshTokenRecord, at: number): Promise<Rotation | null>;
  revokeByGrantId(grantId: string, at: number): Promise<void>;
}
