/** A person (or service account) who can be the subject of tokens. */
export interface User {
  readonly id: string;
  readonly uuid: string;
  readonly username: string;
  readonly name: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  /** Names of the groups the user belongs to directly; their order means nothing (PostgreSQL reads them back sorted). */
  readonly groups: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly isActive: boolean;
  /** argon2id hash of the password; absent for accounts that cannot sign in with one. */
  readonly passwordHash?: string;
  /** Service accounts act for machines: they never sign in on the login page. */
  readonly type?: 'internal' | 'service_account';
  /** Epoch seconds after which the account no longer works (generated accounts expire with their JWT). */
  readonly expiresAt?: number | null;
}

/** Whether the account may receive tokens at `now`: active and not expired. */
export function isUsable(user: User | null, now: number): user is User {
  return user !== null && user.isActive && (user.expiresAt === undefined || user.expiresAt === null || user.expiresAt > now);
}
