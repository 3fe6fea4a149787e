import { z } from 'zod';
import { applicationSettingsSchema } from '../admin/application-settings.js';
import { scopeMappingSettingsSchema } from '../admin/scope-mapping-settings.js';
import { userSettingsSchema } from '../admin/user-settings.js';

/** The seed file (DESIGN.md §6): snake_case like authentik's blueprints. */
const user = userSettingsSchema.extend({
  /** Tokens for machine clients (client_credentials); stored as digests. */
  app_passwords: z.array(z.object({ name: z.string().min(1), token: z.string().min(16), expires_at: z.int().positive().nullable().default(null) })).default([]),
});

const key = z.object({
  name: z.string().min(1),
  alg: z.enum(['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'RSA-OAEP-256']),
  private_jwk: z.record(z.string(), z.unknown()).optional(),
});

export const seedSchema = z
  .object({
    groups: z.array(z.object({ name: z.string().min(1) })).default([]),
    /** Stored like the management API's (on top of the built-in and GitHub ones, which they may replace by name). */
    scope_mappings: z.array(scopeMappingSettingsSchema).default([]),
    users: z.array(user).default([]),
    keys: z.array(key).default([]),
    applications: z.array(applicationSettingsSchema).default([]),
  })
  // Sections of later features (scope_mappings, ...) are accepted and applied by their own code.
  .loose();

export type Seed = z.output<typeof seedSchema>;
