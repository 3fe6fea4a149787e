/**
 * The server-side record of a JWT access token, by its `jti`: what makes a self-contained token
 * revocable (RFC 7009) and introspectable (RFC 7662).
 */
export interface AccessTokenRecord {
  readonly jti: string;
  readonly grantId: string | null;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

export interface AccessTokenRecordStore {
  create(record: AccessTokenRecord): Promise<void>;
  /** The record, or null when it is unknown or expired at `now`. */
  find(jti: string, now: number): Promise<AccessTokenRecord | null>;
  revoke(jti: string, at: number): Promise<void>;
  revokeByGrantId(grantId: string, at: number): Promise<void>;
}
