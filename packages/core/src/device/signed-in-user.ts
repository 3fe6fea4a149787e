import type { SessionUser } from '../authorize/authorization-request.js';
import type { ServerContext } from '../server-context.js';
import { isUsable, type User } from '../users/user.js';

/** The usable user of a browser session; a service account never signs in through the browser. */
export async function signedInUser(context: Pick<ServerContext, 'stores' | 'clock'>, session: SessionUser | null): Promise<User | null> {
  if (!session) return null;
  const user = await context.stores.users.find(session.id);
  return isUsable(user, context.clock.now()) && user.type !== 'service_account' ? user : null;
}
