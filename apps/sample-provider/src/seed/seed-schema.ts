import { z } from 'zod';
import { applicationSettingsSchema } from '../admin/application-settings.js';
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

const scopeMapping = z.object({
  scope: z.string().min(1).regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'scope: a scope token (RFC 6749 §3.3)'),
  description: z.string().min(1),
  /** claim → user field path, e.g. `{ roles: "user.groups", department: "user.attributes.department" }` */
  claims: z.record(z.string().min(1), z.string().regex(/^user(\.[A-Za-z0-9_]+)+$/, 'a path like user.attributes.department')),
});

export const seedSchema = z
  .object({
    groups: z.array(z.object({ name: z.string().min(1) })).default([]),
    scope_mappings: z.array(scopeMapping).default([]),
    users: z.array(user).default([]),
    keys: z.array(key).default([]),
    applications: z.array(applicationSettingsSchema).default([]),
  })
  // Sections of later features (scope_mappings, ...) are accepted and applied by their own code.
  .loose();

export type Seed = z.output<typeof seedSchema>;
