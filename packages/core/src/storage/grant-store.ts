import type { AccessTokenRecord } from './access-token-record-store.js';
import type { RefreshTokenRecord } from './refresh-token-store.js';
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

/** The first tokens of a grant, recorded with it by {@link GrantStore.createWithTokens}. */
export interface FirstTokens {
  readonly accessToken?: AccessTokenRecord;
  readonly refreshToken?: RefreshTokenRecord;
}

/** Which grants {@link GrantStore.listByUser} returns: newest first. */
export interface GrantQuery {
  /** Only grants older than this one (in `createdAt`, then `id` order): the last of the previous page. */
  readonly before?: { readonly createdAt: number; readonly id: string };
  /** At most this many. */
  readonly limit: number;
}

export interface GrantStore {
  create(grant: Grant): Promise<void>;
  /**
   * Records a new grant and its first tokens, all or nothing, in one step: false, with nothing
   * written, when a grant with this id exists already (revoked or not). What a code exchange
   * writes, without a unit of work around it: the id is the code's, so of concurrent redemptions
   * of one code exactly one records (RFC 6749 §4.1.2).
   */
  createWithTokens(grant: Grant, tokens: FirstTokens): Promise<boolean>;
  /**
   * Forgets a grant and every token record of it, as if it had never been created: for an
   * exchange that recorded its grant and then could not finish (the code could not be used up),
   * so that the client's retry is not mistaken for a replay.
   */
  discard(id: string): Promise<void>;
  find(id: string): Promise<Grant | null>;
  /**
   * The grants of one browser session (by `sid`), revoked ones included: what ends with the
   * session at logout (OIDC RP-Initiated Logout 1.0 §2, Back-Channel Logout 1.0 §2.5).
   */
  findBySid(sid: string): Promise<Grant[]>;
  /** The grants of a user that are not revoked, newest first (by `createdAt`, then `id`). */
  listByUser(userId: string, query: GrantQuery): Promise<Grant[]>;
  /** Marks the grant revoked; revoking an unknown or revoked grant is not an error. */
  revoke(id: string, at: number): Promise<void>;
}
