import { randomToken, type Application, type Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { putApplication } from './put-application.js';
import { requireApplication } from './require-application.js';
import { settingsOf } from './settings-of.js';

/**
 * Gives a confidential application a new generated client secret, returned once; the old one
 * stops working at once (tokens already issued stay valid).
 *
 * @example
 * const { clientSecret } = await rotateClientSecret(stores, 'wiki');
 */
export async function rotateClientSecret(stores: Stores, slug: string): Promise<{ readonly application: Application; readonly clientSecret: string }> {
  const existing = await requireApplication(stores, slug);
  if (existing.clientType === 'public') throw new AdminError('invalid_input', `application ${slug} is a public client: it has no secret to rotate`);
  const clientSecret = randomToken(32);
  const { application } = await putApplication(stores, { ...settingsOf(existing), client_secret: clientSecret }, existing.id, existing);
  return { application, clientSecret };
}
