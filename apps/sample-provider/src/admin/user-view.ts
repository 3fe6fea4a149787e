import type { User } from '@gatehouse/core';

/** A user as people read it, in the seed file's shape: never the password hash, only whether there is one. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly email: string | null;
  readonly email_verified: boolean;
  readonly groups: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly is_active: boolean;
  readonly type: 'internal' | 'service_account';
  readonly has_password: boolean;
}

/** The view of a stored user; see {@link UserView}. */
export function userView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    email_verified: user.emailVerified,
    // Sorted: stores keep group names in an order of their own.
    groups: [...user.groups].sort(),
    attributes: { ...user.attributes },
    is_active: user.isActive,
    type: user.type ?? 'internal',
    has_password: user.passwordHash !== undefined,
  };
}
