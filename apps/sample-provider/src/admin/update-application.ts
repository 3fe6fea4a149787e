import type { Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { applicationPatchSchema, type ApplicationPatch } from './application-patch.js';
import { applicationSettingsSchema } from './application-settings.js';
import { checkApplicationKeys } from './check-application-keys.js';
import { parseInput } from './parse-input.js';
import { putApplication } from './put-application.js';
import type { RegisteredApplication } from './register-application.js';
import { requireApplication } from './require-application.js';
import { settingsOf } from './settings-of.js';

/**
 * Changes the given settings of the application with this slug and keeps the rest. A change that
 * needs a client secret the server does not have (public → confidential, or to HS256 where only
 * the secret's digest was kept) generates one, returned once as `clientSecret`.
 *
 * @example
 * await updateApplication(stores, 'wiki', { redirect_uris: [{ url: 'https://wiki.example.com/cb' }], consent: 'implicit' });
 */
export async function updateApplication(stores: Stores, slug: string, patch: ApplicationPatch): Promise<RegisteredApplication> {
  const existing = await requireApplication(stores, slug);
  const changes = parseInput(applicationPatchSchema, patch);
  const current = settingsOf(existing);
  // The method follows the client type unless given with it: a public client authenticates with none.
  const { token_endpoint_auth_method: method, ...kept } = current;
  const base = changes.client_type !== undefined && changes.client_type !== current.client_type ? kept : { ...kept, token_endpoint_auth_method: method };
  const settings = parseInput(applicationSettingsSchema, { ...base, ...changes });
  if (settings.client_id !== existing.clientId && (await stores.applications.findByClientId(settings.client_id))) {
    throw new AdminError('conflict', `an application with client_id ${settings.client_id} exists already`);
  }
  await checkApplicationKeys(stores, settings);
  const { application, generatedSecret } = await putApplication(stores, settings, existing.id, existing);
  return { application, ...(generatedSecret !== undefined ? { clientSecret: generatedSecret } : {}) };
}
