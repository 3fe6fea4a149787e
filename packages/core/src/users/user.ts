/** A person (or service account) who can be the subject of tokens. */
export interface User {
  readonly id: string;
  readonly uuid: string;
  readonly username: string;
  readonly name: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  /** Names of the groups the user belongs to directly. */
  readonly groups: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly isActive: boolean;
  /** argon2id hash of the password; absent for accounts that cannot sign in with one. */
  readonly passwordHash?: string;
}
