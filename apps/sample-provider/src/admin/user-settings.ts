import { z } from 'zod';

/** A user as people write it: an entry of a seed file, the body that creates one through the API. */
export const userSettingsSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1).optional(),
  name: z.string().default(''),
  email: z.email().nullable().default(null),
  email_verified: z.boolean().default(false),
  groups: z.array(z.string().min(1)).default([]),
  attributes: z.record(z.string(), z.unknown()).default({}),
  is_active: z.boolean().default(true),
  /** A service account acts for machines and cannot sign in on the login page. */
  type: z.enum(['internal', 'service_account']).default('internal'),
});

export type UserSettings = z.output<typeof userSettingsSchema>;
export type UserSettingsInput = z.input<typeof userSettingsSchema>;

/**
 * A password set through the CLI or the API. Longer than a seed's (demo seeds carry short ones);
 * bounded, because argon2 hashes every byte it is given.
 */
export const newPasswordSchema = z.string().min(8, 'password: at least 8 characters').max(1024, 'password: at most 1024 characters');
