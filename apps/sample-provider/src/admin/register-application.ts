import { randomUUID } from 'node:crypto';
import type { Application, Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { applicationSettingsSchema, type ApplicationSettingsInput } from './application-settings.js';
import { checkApplicationKeys } from './check-application-keys.js';
import { parseInput } from './parse-input.js';
import { putApplication } from './put-application.js';

export interface RegisteredApplication {
  readonly application: Application;
  /** The generated client secret: returned here once, stored only as a digest (or encrypted, for HS256). */
  readonly clientSecret?: string;
}

/**
 * Registers a new application. A confidential client without a `client_secret` gets a generated
 * one. Refuses (AdminError) invalid settings, unknown keys, and a slug or client_id in use.
 *
 * @example
 * const { application, clientSecret } = await registerApplication(stores, {
 *   slug: 'wiki', name: 'Wiki', client_id: 'wiki', signing_key: 'default',
 *   redirect_uris: [{ url: 'https://wiki.example.com/callback' }],
 * });
 */
export async function registerApplication(stores: Stores, input: ApplicationSettingsInput): Promise<RegisteredApplication> {
  const settings = parseInput(applicationSettingsSchema, input);
  if (await stores.applications.findBySlug(settings.slug)) throw new AdminError('conflict', `an application with slug ${settings.slug} exists already`);
  if (await stores.applications.findByClientId(settings.client_id)) throw new AdminError('conflict', `an application with client_id ${settings.client_id} exists already`);
  await checkApplicationKeys(stores, settings);
  const { application, generatedSecret } = await putApplication(stores, settings, randomUUID(), null);
  return { application, ...(generatedSecret !== undefined ? { clientSecret: generatedSecret } : {}) };
}
