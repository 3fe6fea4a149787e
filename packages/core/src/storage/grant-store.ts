/**
 * What a user granted an application in one authorization: every token minted from it carries its
 * id, so revoking the grant (code replay, refresh-token reuse, logout) reaches all of them.
 */
export interface Grant {
  readonly id: string;
  readonly applicationId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** When the user authenticated (epoch seconds), for `auth_time`. */
  readonly authTime: number;
  readonly nonce: string | null;
  /** Authentication methods of the login (RFC 8176), for `amr`. */
  readonly amr: readonly string[];
  /** The `sid` of the browser session the grant came from, or null (machine grants). */
  readonly sid: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface GrantStore {
  create(grant: Grant): Promise<void>;
  find(id: string): Promise<Grant | null>;
  /**
   * The grants of one browser session (by `sid`), revoked ones included: what ends with the
   * session at logout (OIDC RP-Initiated Logout 1.0 §2, Back-Channel Logout 1.0 §2.5).
   */
  findBySid(sid: string): Promise<Grant[]>;
  /** Marks the grant revoked; revoking an unknown or revoked grant is not an error. */
  revoke(id: string, at: number): Promise<void>;
}
