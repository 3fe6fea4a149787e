import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';
import type { AuthorizationRequest } from './authorization-request.js';

/**
 * What the user has already granted the application and whether they must be asked (behaviour
 * spec §8): explicit consent asks every time, implicit never, permanent and expiring consent ask
 * until a remembered consent covers every requested scope; `prompt=consent` always asks.
 */
export async function consentState(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  application: Application,
  request: Pick<AuthorizationRequest, 'prompt' | 'scopes'>,
  userId: string,
): Promise<{ readonly ask: boolean; readonly granted: readonly string[] }> {
  const remembers = application.consent === 'permanent' || application.consent === 'expiring';
  const granted = remembers ? ((await context.stores.consents.find(userId, application.id, context.clock.now()))?.scopes ?? []) : [];
  const covered = request.scopes.every((scope) => granted.includes(scope));
  const ask = request.prompt.includes('consent') || application.consent === 'explicit' || (remembers && !covered);
  return { ask, granted };
}

/** Remembers an accepted consent, together with what was granted before, when the mode keeps it. */
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

/** The user's answer on a consent page, as a `consent_given` or `consent_denied` audit event. */
export async function recordConsentDecision(
  context: Pick<ServerContext, 'stores' | 'clock'>,
  decision: 'allow' | 'deny',
  event: { readonly applicationId: string; readonly userId: string; readonly scopes: readonly string[]; readonly requestId: string; readonly grantType: string },
): Promise<void> {
  await context.stores.events.record({
    action: decision === 'allow' ? 'consent_given' : 'consent_denied',
    at: context.clock.now(),
    applicationId: event.applicationId,
    userId: event.userId,
    requestId: event.requestId,
    context: { scopes: event.scopes, grantType: event.grantType },
  });
}
