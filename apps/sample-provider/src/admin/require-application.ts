import type { Application, Stores } from '@gatehouse/core';
import { AdminError } from './admin-error.js';

/** The application with this slug, or an AdminError (`not_found`) naming the slug. */
export async function requireApplication(stores: Pick<Stores, 'applications'>, slug: string): Promise<Application> {
  const application = await stores.applications.findBySlug(slug);
  if (!application) throw new AdminError('not_found', `no application with slug ${slug}`);
  return application;
}
