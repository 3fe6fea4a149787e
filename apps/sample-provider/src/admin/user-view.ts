import type { User } from '@gatehouse/core';
import { z } from 'zod';

/** A user as people read it, in the seed file's shape: never the password hash, only whether there is one. */
export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  groups: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  is_active: z.boolean(),
  type: z.enum(['internal', 'service_account']),
  has_password: z.boolean(),
});

/** See {@link userViewSchema}: the API's OpenAPI document and the CLI's JSON describe the same shape. */
export type UserView = Readonly<z.output<typeof userViewSchema>>;

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
