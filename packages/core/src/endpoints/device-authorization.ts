import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import {
  deviceCodeDigest,
  deviceCodeTombstoneSeconds,
  deviceKeys,
  devicePollIntervalSeconds,
  userCodeKey,
  type DeviceCodeRecord,
} from '../device/device-code-record.js';
import { formatUserCode, generateUserCode } from '../device/user-code.js';
import { type EndpointResponse, errorResponse, noStore } from '../endpoint-response.js';
import { OAuthError, toOAuthError } from '../errors/oauth-error.js';
import { checkParams, deviceAuthorizationSyntax } from '../params/param-syntax.js';
import { grantRequestedScopes } from '../scopes/grant-requested-scopes.js';
import { parseScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import { randomToken } from '../tokens/opaque-token.js';

export interface DeviceAuthorizationInput {
  /** Form parameters, each at most once. */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The `Authorization` header, for `client_secret_basic`. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

type Context = Pick<ServerContext, 'stores' | 'codes' | 'clock' | 'keySets' | 'settings'>;

/** Where the user enters the code (DESIGN.md §5). */
export const deviceVerificationUri = (baseUrl: string): string => `${baseUrl}/device`;

/** A user code of its own: `add` is atomic, so two device codes never share one (authentik took the first match). */
async function reserveUserCode(context: Context, digest: string, ttlSeconds: number): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const userCode = generateUserCode();
    if (await context.codes.add(userCodeKey(userCode), { deviceCodeDigest: digest }, ttlSeconds)) return userCode;
  }
  throw new OAuthError('server_error', 'The server could not complete the request', { detail: 'no free user code after 5 attempts' });
}

/** RFC 8628 §3.2 on the wire. */
function toDeviceAuthorizationResponseBody(deviceCode: string, userCode: string, verificationUri: string, expiresIn: number, interval: number) {
  const display = formatUserCode(userCode);
  return {
    device_code: deviceCode,
    user_code: display,
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?${new URLSearchParams({ user_code: display })}`,
    expires_in: expiresIn,
    interval,
  };
}

/**
 * The device authorization endpoint (RFC 8628 §3.1): the client authenticates as its type
 * requires (RFC 8628 §3.1 refers to RFC 6749 §3.2.1; public clients send `client_id`), and gets
 * a URL-safe device code (authentik's had `&+=%#` in it, #13484) and a short user code.
 */
export async function deviceAuthorization(context: Context, input: DeviceAuthorizationInput): Promise<EndpointResponse> {
  try {
    checkParams(deviceAuthorizationSyntax, input.params);
    const application = await authenticateClient(context, readClientCredentials(input.params, input.authorization));
    const scopes = await grantRequestedScopes(context, application, parseScope(input.params['scope']), input.requestId);
    const deviceCode = randomToken();
    const digest = deviceCodeDigest(deviceCode);
    // authentik tied this to the 60 s code lifetime; RFC 8628 §3.2's example is 1800 s.
    const expiresIn = application.deviceCodeValiditySeconds;
    const record: DeviceCodeRecord = {
      applicationId: application.id,
      clientId: application.clientId,
      scopes,
      expiresAt: context.clock.now() + expiresIn,
      interval: devicePollIntervalSeconds,
    };
    // The record first: a user code must never point at a device code that does not exist yet.
    await context.codes.put(deviceKeys(digest).record, record, expiresIn + deviceCodeTombstoneSeconds);
    const userCode = await reserveUserCode(context, digest, expiresIn);
    const body = toDeviceAuthorizationResponseBody(deviceCode, userCode, deviceVerificationUri(context.settings.baseUrl), expiresIn, record.interval);
    return { status: 200, headers: noStore, body };
  } catch (error) {
    return errorResponse(toOAuthError(error), input.requestId);
  }
}
