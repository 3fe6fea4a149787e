import type { Clock, Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';
import { requireApplication } from './require-application.js';

/**
 * Deletes the application with this slug; its grants and tokens are revoked with it, so they
 * stay dead even if the slug or client_id is registered again.
 *
 * @example
 * await deleteApplication(stores, 'wiki', systemClock);
 */
export async function deleteApplication(stores: Pick<Stores, 'applications'>, slug: string, clock: Clock): Promise<void> {
  const application = await requireApplication(stores, slug);
  // Someone else deleted it between the lookup and now: the outcome is the same, but say so.
  if (!(await stores.applications.delete(application.id, clock.now()))) throw new AdminError('not_found', `no application with slug ${slug}`);
}
