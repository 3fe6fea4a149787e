import { isAuthorized } from '../authorize/access-policy.js';
import type { ConsentOutcome, ErrorOutcome } from '../authorize/authorization-outcome.js';
import type { SessionUser } from '../authorize/authorization-request.js';
import { consentState } from '../authorize/consent.js';
import { OAuthError, toOAuthError } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { User } from '../users/user.js';
import { deviceCodeGrantType } from './device-code-record.js';
import { createDeviceInteraction } from './device-interaction.js';
import type { DeviceOutcome, DeviceVerificationInput } from './device-outcome.js';
import { findDeviceRequestByUserCode, type DeviceRequest } from './find-device-request.js';
import { signedInUser } from './signed-in-user.js';
import { claimUserCodeAttempt } from './user-code-attempts.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'clock' | 'settings' | 'hooks' | 'scopeMappings'>;

const errorPage = (code: 'invalid_request' | 'access_denied', description: string): ErrorOutcome => ({
  kind: 'error',
  error: new OAuthError(code, description, { redirectable: false }),
});

// RFC 6585 §4: 429 with Retry-After; `slow_down` as authentik's throttles answer.
const tooManyEntries = (retryAfterSeconds: number): ErrorOutcome => ({
  kind: 'error',
  error: new OAuthError('slow_down', 'Too many invalid codes. Wait a few minutes, then try again.', { redirectable: false, status: 429, retryAfterSeconds }),
});

const retry = (userCode: string | undefined, reason: 'missingCode' | 'unknownCode', description: string): DeviceOutcome => ({
  kind: 'retry',
  userCode,
  reason,
  error: new OAuthError('invalid_request', description, { redirectable: false }),
});

// RFC 8628 §5.4 (remote phishing): the user always confirms which application gets access, even
// when the application's consent mode would skip the page at the authorization endpoint.
async function consentPage(context: Context, request: DeviceRequest, user: User, session: SessionUser): Promise<ConsentOutcome> {
  const { application, record } = request;
  const { granted } = await consentState(context, application, { prompt: [], scopes: record.scopes }, user.id);
  const ttl = Math.min(context.settings.interactionTtlSeconds, record.expiresAt - context.clock.now());
  const interactionId = await createDeviceInteraction(context, { deviceCodeDigest: request.deviceCodeDigest, session, granted }, ttl);
  return {
    kind: 'consent',
    interactionId,
    application: { name: application.name, slug: application.slug },
    user: { username: user.username, name: user.name },
    scopes: record.scopes.map((scope) => ({
      scope,
      description: context.scopeMappings.get(scope)?.description ?? scope,
      granted: granted.includes(scope),
    })),
  };
}

async function verify(context: Context, input: DeviceVerificationInput): Promise<DeviceOutcome> {
  const user = await signedInUser(context, input.session);
  if (!user || !input.session) return { kind: 'login', userCode: input.userCode };
  if (input.userCode === undefined || input.userCode.trim() === '') return retry(undefined, 'missingCode', 'Enter the code shown on your device.');

  const subjects = [`user:${user.id}`, ...(input.clientIp !== undefined ? [`ip:${input.clientIp}`] : [])];
  const attempt = await claimUserCodeAttempt(context, subjects);
  if (!attempt.allowed) return tooManyEntries(attempt.retryAfterSeconds);
  const request = await findDeviceRequestByUserCode(context, input.userCode);
  // authentik answered an unknown code with its access-denied page; this is a typo the user can fix.
  if (!request) return retry(input.userCode, 'unknownCode', 'This code is not valid or has expired. Check the code on your device and try again.');
  await attempt.succeeded();

  if (request.decision !== null) return errorPage('invalid_request', 'This code has already been used. Start again on your device.');
  const policy = {
    user,
    application: request.application,
    scopes: request.record.scopes,
    grantType: deviceCodeGrantType,
    codeVerifier: undefined,
    jwt: undefined,
    redirectUri: undefined,
  };
  if (!(await isAuthorized(context, policy, input.requestId))) return errorPage('access_denied', `You may not use ${request.application.name}.`);
  return consentPage(context, request, user, input.session);
}

/**
 * A user code entered on the device page (RFC 8628 §3.3): sign-in first, then the code (guesses
 * are counted), the application's access policy (CVE-2024-38371) and the consent page. Failures
 * of the stores become an error page (`server_error`), never an exception.
 */
export async function deviceVerification(context: Context, input: DeviceVerificationInput): Promise<DeviceOutcome> {
  try {
    return await verify(context, input);
  } catch (error) {
    return { kind: 'error', error: toOAuthError(error) };
  }
}
