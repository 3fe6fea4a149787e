import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * Whether the user must be asked (behaviour spec §8): explicit consent asks every time, implicit
 * never, permanent and expiring consent ask until a remembered consent covers every scope.
 */
export async function needsConsent(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  application: Application,
  request: Pick<AuthorizationRequest, 'prompt' | 'scopes'>,
  userId: string,
): Promise<boolean> {
  if (request.prompt.includes('consent')) return true;
  switch (application.consent) {
    case 'implicit':
      return false;
    case 'explicit':
      return true;
    case 'permanent':
    case 'expiring': {
      const remembered = await context.stores.consents.find(userId, application.id, context.clock.now());
      return !remembered || !request.scopes.every((scope) => remembered.scopes.includes(scope));
    }
  }
}

/** Remembers an accepted consent when the application's mode keeps it. */
export async function rememberConsent(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  application: Application,
  scopes: readonly string[],
  userId: string,
): Promise<void> {
  if (application.consent !== 'permanent' && application.consent !== 'expiring') return;
  const expiresAt = application.consent === 'expiring' ? context.clock.now() + application.consentDurationSeconds : null;
  await context.stores.consents.save({ userId, applicationId: application.id, scopes, expiresAt });
}
