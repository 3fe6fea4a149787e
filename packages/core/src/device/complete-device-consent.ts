import { randomUUID } from 'node:crypto';
import { isAuthorized } from '../authorize/access-policy.js';
import type { ErrorOutcome } from '../authorize/authorization-outcome.js';
import { recordConsentDecision, rememberConsent } from '../authorize/consent.js';
import { OAuthError, toOAuthError } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import { deviceCodeGrantType, deviceCodeTombstoneSeconds, deviceKeys, type DeviceDecision } from './device-code-record.js';
import { consumeDeviceInteraction } from './device-interaction.js';
import type { DeviceConsentDecisionInput, DeviceOutcome } from './device-outcome.js';
import { findDeviceRequest, type DeviceRequest } from './find-device-request.js';
import { signedInUser } from './signed-in-user.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'clock' | 'hooks'>;

const errorPage = (description: string, code: 'invalid_request' | 'access_denied' = 'invalid_request'): ErrorOutcome => ({
  kind: 'error',
  error: new OAuthError(code, description, { redirectable: false }),
});

/** Records the answer for the device's next poll; false when the code was answered already. */
async function decide(context: Context, request: DeviceRequest, decision: DeviceDecision): Promise<boolean> {
  const ttl = request.record.expiresAt - context.clock.now() + deviceCodeTombstoneSeconds;
  // `add`: the first answer wins, so a code cannot be approved after it was denied, nor twice.
  return context.codes.add(deviceKeys(request.deviceCodeDigest).decision, decision, ttl);
}

async function complete(context: Context, input: DeviceConsentDecisionInput): Promise<DeviceOutcome> {
  const interaction = await consumeDeviceInteraction(context, input.interactionId);
  if (!interaction) return errorPage('This request has expired or was already answered. Enter the code again.');
  const { session, granted } = interaction;
  if (!input.session || input.session.id !== session.id) return errorPage('This request belongs to another session.', 'access_denied');
  const request = await findDeviceRequest(context, interaction.deviceCodeDigest);
  if (!request) return errorPage('This code has expired. Start again on your device.');
  const { application, record } = request;
  const done: DeviceOutcome = { kind: 'done', decision: input.decision, application: { name: application.name, slug: application.slug } };
  const answer = { applicationId: application.id, userId: session.id, scopes: record.scopes, requestId: input.requestId, grantType: deviceCodeGrantType };
  if (input.decision === 'deny') {
    if (!(await decide(context, request, { kind: 'denied' }))) return errorPage('This code has already been used.');
    await recordConsentDecision(context, 'deny', answer);
    return done;
  }

  const user = await signedInUser(context, input.session);
  const policy = { application, scopes: record.scopes, grantType: deviceCodeGrantType, codeVerifier: undefined, jwt: undefined, redirectUri: undefined };
  if (!user || !(await isAuthorized(context, { ...policy, user }, input.requestId))) return errorPage(`You may not use ${application.name}.`, 'access_denied');
  // The session answering now: it may have signed in again since the code was entered.
  const current = input.session;
  const approval: DeviceDecision = { kind: 'approved', grantId: randomUUID(), userId: user.id, authTime: current.authTime, amr: current.amr ?? [] };
  if (!(await decide(context, request, approval))) return errorPage('This code has already been used.');
  await rememberConsent(context, application, [...new Set([...granted, ...record.scopes])], user.id);
  await recordConsentDecision(context, 'allow', answer);
  await context.stores.events.record({
    action: 'authorize_application',
    at: context.clock.now(),
    applicationId: application.id,
    userId: user.id,
    requestId: input.requestId,
    context: { scopes: record.scopes, grantType: deviceCodeGrantType },
  });
  return done;
}

/**
 * The consent page's answer for a device (RFC 8628 §3.3): `allow` binds the signed-in user and
 * the time they authenticated to the device code; `deny` makes the device's next poll
 * `access_denied` (authentik left the device polling until the code expired).
 */
export async function completeDeviceConsent(context: Context, input: DeviceConsentDecisionInput): Promise<DeviceOutcome> {
  try {
    return await complete(context, input);
  } catch (error) {
    return { kind: 'error', error: toOAuthError(error) };
  }
}
