import { isClaimPath } from '@gatehouse/core';
import { z } from 'zod';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const scopeTokenSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token (RFC 6749 §3.3): printable ASCII without spaces, " or \\');

const claimPathSchema = z
  .string()
  .refine(isClaimPath, 'a path of a user field: user.<id|uuid|username|name|email|emailVerified|groups|attributes|type>, then member names (user.attributes.department)');

/**
 * A declarative scope mapping as people write it (a seed's `scope_mappings` entry, the management
 * API's body): `{ scope, description, claims: { claim: "user.<field>..." } }`.
 */
export const scopeMappingSettingsSchema = z.object({
  scope: scopeTokenSchema,
  description: z.string().trim().min(1).max(500).describe('What the consent page says about the scope.'),
  claims: z
    .record(z.string().min(1).max(100), claimPathSchema)
    .refine((claims) => Object.keys(claims).length <= 50, 'at most 50 claims')
    .describe('claim name → user field path, e.g. { "roles": "user.groups", "department": "user.attributes.department" }; claims whose path has no value are left out.'),
});

export type ScopeMappingSettings = z.output<typeof scopeMappingSettingsSchema>;
export type ScopeMappingSettingsInput = z.input<typeof scopeMappingSettingsSchema>;
