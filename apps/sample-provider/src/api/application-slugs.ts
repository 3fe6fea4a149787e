import type { Stores } from '@gatehouse/core';

/** The slug of each application id (null for one that was deleted): grants and consents name applications by id. */
export async function applicationSlugs(stores: Pick<Stores, 'applications'>, ids: Iterable<string>): Promise<ReadonlyMap<string, string | null>> {
  const slugs = new Map<string, string | null>();
  for (const id of ids) if (!slugs.has(id)) slugs.set(id, (await stores.applications.findById(id))?.slug ?? null);
  return slugs;
}
