/**
 * An app password: a generated token a user hands to a machine client instead of their password
 * (authentik's `app_password` tokens), stored as a digest.
 */
export interface AppPassword {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** SHA-256 (base64url) of the token. */
  readonly tokenDigest: string;
  /** Epoch seconds; null for a password that does not expire. */
  readonly expiresAt: number | null;
}

export interface AppPasswordStore {
  /** Creates or replaces the app password with the same user and name. */
  save(appPassword: AppPassword): Promise<void>;
  /** The app password with this token digest, or null when unknown or expired at `now`. */
  findByDigest(tokenDigest: string, now: number): Promise<AppPassword | null>;
  /** Every app password of a user, expired ones included, by name. */
  listByUser(userId: string): Promise<AppPassword[]>;
  /** Deletes the user's app password with this id, so its token stops working; false when there is none. */
  delete(userId: string, id: string): Promise<boolean>;
}
