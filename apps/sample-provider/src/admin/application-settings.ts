import { z } from 'zod';

const redirectUri = z.object({
  matching_mode: z.enum(['strict', 'regex']).default('strict'),
  url: z.string().min(1),
  type: z.enum(['authorization', 'logout']).default('authorization'),
});

const federationSource = z
  .object({
    name: z.string().min(1),
    jwks_uri: z.url().optional(),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** service-account attribute → claim path, e.g. `{ namespace: "kubernetes.io.namespace" }` */
    attributes: z.record(z.string(), z.string()).default({}),
  })
  .refine((source) => (source.jwks_uri === undefined) !== (source.jwks === undefined), 'a federation source needs exactly one of jwks_uri and jwks');

/**
 * An application as people write it (DESIGN.md §6): an entry of a seed file, the body that creates
 * one through the management API, what `gatehouse app show --json` prints. snake_case like
 * authentik's blueprints.
 */
export const applicationSettingsSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _'),
  name: z.string().min(1),
  client_id: z.string().min(1),
  /** Omitted: a confidential client gets a generated secret, shown once. */
  client_secret: z.string().min(1).optional(),
  client_type: z.enum(['confidential', 'public']).default('confidential'),
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'])
    .optional(),
  redirect_uris: z.array(redirectUri).default([]),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  signing_key: z.string().nullable().default(null),
  encryption_key: z.string().nullable().default(null),
  sub_mode: z.enum(['hashed_user_id', 'user_id', 'user_uuid', 'user_username', 'user_email', 'user_upn']).default('hashed_user_id'),
  issuer_mode: z.enum(['per_provider', 'global']).default('per_provider'),
  include_claims_in_id_token: z.boolean().default(true),
  consent: z.enum(['explicit', 'implicit', 'permanent', 'expiring']).default('explicit'),
  // Seconds, stored in 32-bit integer columns.
  consent_duration: z.int32().positive().default(2_419_200),
  access_code_validity: z.int32().positive().default(60),
  device_code_validity: z.int32().positive().default(600),
  access_token_validity: z.int32().positive().default(3600),
  refresh_token_validity: z.int32().positive().default(2_592_000),
  allowed_groups: z.array(z.string()).default([]),
  refresh_token_threshold: z.int32().min(0).default(0),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).nullable().default(null),
  jwks_uri: z.url().nullable().default(null),
  jwt_federation_sources: z.array(federationSource).default([]),
  jwt_federation_providers: z.array(z.string()).default([]),
  /** OIDC Back-Channel Logout 1.0: where logout tokens are POSTed when a session ends. */
  backchannel_logout_uri: z.url({ protocol: /^https?$/ }).nullable().default(null),
});

export type ApplicationSettings = z.output<typeof applicationSettingsSchema>;
/** What callers may send: everything with a default may be left out. */
export type ApplicationSettingsInput = z.input<typeof applicationSettingsSchema>;
