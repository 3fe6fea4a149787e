import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defaults } from './defaults.js';

/** The plain settings of an authorization server; services (stores, clock, hooks) are passed beside them. */
export const settingsSchema = z.object({
  /** Public base URL of the server, without a trailing slash, e.g. `https://id.example.com`. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .refine((url) => !/[?#]/.test(url), 'baseUrl must not carry a query or fragment'),
  interactionTtlSeconds: z.int().positive().default(defaults.interactionTtlSeconds),
  allowPlainPkce: z.boolean().default(defaults.allowPlainPkce),
  subjectSalt: z.string().min(1).default(defaults.subjectSalt),
  acr: z.string().min(1).default(defaults.acr),
  /**
   * The languages (BCP 47) the login, consent and device pages speak, advertised as
   * `ui_locales_supported` (OIDC Discovery §3); unadvertised when absent.
   */
  uiLocales: z.array(z.string().regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 'uiLocales must be BCP 47 language tags')).min(1).optional(),
  keyCacheSeconds: z.int().min(0).default(defaults.keyCacheSeconds),
  originCacheSeconds: z.int().min(0).default(defaults.originCacheSeconds),
  refreshTokenGraceSeconds: z.int().min(0).default(defaults.refreshTokenGraceSeconds),
  storeCacheSeconds: z.int().min(0).default(defaults.storeCacheSeconds),
  logoutTokenTtlSeconds: z.int().positive().default(defaults.logoutTokenTtlSeconds),
  backchannelLogoutAttempts: z.int().positive().default(defaults.backchannelLogoutAttempts),
  backchannelLogoutRetrySeconds: z.number().min(0).default(defaults.backchannelLogoutRetrySeconds),
  backchannelLogoutTimeoutSeconds: z.number().positive().default(defaults.backchannelLogoutTimeoutSeconds),
  /**
   * A server secret for values every process must derive alike (the successor of a rotated
   * refresh token). Random per process when absent: set it when several processes share stores.
   */
  secretKey: z.string().min(32, 'secretKey must be at least 32 characters').default(() => randomBytes(32).toString('base64url')),
});

export type SettingsInput = z.input<typeof settingsSchema>;
export type Settings = Readonly<z.output<typeof settingsSchema>>;

/** Validates settings once, at start-up, with a message that names every wrong field. */
export function resolveSettings(input: SettingsInput): Settings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid Gatehouse configuration: ${z.prettifyError(result.error)}`);
  return Object.freeze(result.data);
}
