import { digestToken, randomToken, type Application, type Stores } from '@gatehouse/core';
import type { ApplicationSettings } from './application-settings.js';
import { secretIsHmacKey, toApplication, type ClientSecretFields } from './to-application.js';

/** What saving an application did; a generated secret exists only here, once. */
export interface PutApplicationResult {
  readonly application: Application;
  readonly generatedSecret?: string;
}

/**
 * Saves the application the settings describe under `id`, replacing `existing` (same id) when
 * given. The secret is the settings' `client_secret`, else the one kept so far; a confidential
 * client without one, or whose new settings need the secret itself (HS256) where only its digest
 * was kept, gets a generated one. DESIGN.md §4: only its digest is stored, plus the secret
 * (encrypted at rest by the adapter) where it is an HMAC key.
 */
export async function putApplication(stores: Stores, settings: ApplicationSettings, id: string, existing: Application | null): Promise<PutApplicationResult> {
  let fields: ClientSecretFields = { clientSecretDigest: null, hmacSecret: null };
  let generatedSecret: string | undefined;
  if (settings.client_type === 'confidential') {
    const hmacKey = secretIsHmacKey(settings);
    let secret = settings.client_secret ?? existing?.hmacSecret ?? null;
    if (secret === null && existing?.clientSecretDigest && !hmacKey) {
      fields = { clientSecretDigest: existing.clientSecretDigest, hmacSecret: null };
    } else {
      secret ??= generatedSecret = randomToken(32);
      fields = { clientSecretDigest: digestToken(secret), hmacSecret: hmacKey ? secret : null };
    }
  }
  const application = toApplication(settings, id, fields);
  await stores.applications.save(application);
  return { application, ...(generatedSecret !== undefined ? { generatedSecret } : {}) };
}
