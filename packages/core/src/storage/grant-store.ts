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
  /** Marks the grant revoked; revoking an unknown or revoked grant is not an error. */
  revoke(id: string, at: number): Promise<void>;
}
