import { isAuthorized } from '../authorize/access-policy.js';
import { deviceCodeDigest, deviceCodeGrantType, deviceKeys, type DeviceCodeRecord, type DeviceDecision } from '../device/device-code-record.js';
import { paceDevicePoll } from '../device/pace-device-poll.js';
import { OAuthError, invalidGrant, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { issueTokens, recordingNewGrant } from '../tokens/issue-tokens.js';
import { newRefreshToken } from '../tokens/refresh-token.js';
import { isUsable, type User } from '../users/user.js';
import { revokeGrant } from './revoke-grant.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

type Context = Pick<ServerContext, 'codes' | 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings' | 'hooks'>;
type Approval = Extract<DeviceDecision, { kind: 'approved' }>;

// RFC 8628 §3.5: these are answers of the token endpoint, so 400 (RFC 6749 §5.2) like the others.
const deviceError = (code: 'authorization_pending' | 'access_denied' | 'expired_token', description: string) =>
  new OAuthError(code, description, { status: 400 });

/** The device code's record, if it is this client's; an expired one is told apart from an unknown one. */
async function findRecord(context: Context, request: TokenRequest, digest: string): Promise<DeviceCodeRecord> {
  const record = await context.codes.find<DeviceCodeRecord>(deviceKeys(digest).record);
  // RFC 8628 §3.4 with RFC 6749 §5.2: a code issued to another client is simply invalid for this one.
  if (!record || record.applicationId !== request.application.id) throw invalidGrant('the device code is invalid');
  if (context.clock.now() >= record.expiresAt) throw deviceError('expired_token', 'the device code has expired; start again');
  return record;
}

/** Takes the approved code out; a second use revokes everything the first one minted (like a replayed code). */
async function consumeApproved(context: Context, request: TokenRequest, digest: string, approval: Approval): Promise<void> {
  const consumed = await context.codes.consume<DeviceCodeRecord>(deviceKeys(digest).record);
  if (!consumed) throw invalidGrant('the device code is invalid');
  if (!consumed.alreadyConsumed) return;
  await revokeGrant(context, approval.grantId, { action: 'device_code_replayed', applicationId: request.application.id, requestId: request.requestId });
  throw invalidGrant('the device code was already used');
}

async function findActiveUser(context: Context, userId: string): Promise<User> {
  const user = await context.stores.users.find(userId);
  if (!isUsable(user, context.clock.now())) throw invalidGrant('the user who approved this device is no longer active');
  return user;
}

// Asked again at the token endpoint: group membership or the hook's answer may have changed since.
async function checkPolicy(context: Context, request: TokenRequest, record: DeviceCodeRecord, user: User): Promise<void> {
  const policy = { user, application: request.application, scopes: record.scopes, grantType: deviceCodeGrantType, codeVerifier: undefined, jwt: undefined, redirectUri: undefined };
  if (!(await isAuthorized(context, policy, request.requestId))) throw invalidGrant('the user may not use this application with these scopes');
}

function grantOf(record: DeviceCodeRecord, approval: Approval, now: number): Grant {
  return {
    id: approval.grantId,
    applicationId: record.applicationId,
    userId: approval.userId,
    // The scope of the device request, whatever `scope` the poll sends (CVE-2024-52287).
    scopes: record.scopes,
    authTime: approval.authTime,
    nonce: null,
    amr: approval.amr,
    // No `sid`: the device's session is its own, so signing out of the browser that approved
    // it does not sign the device out (a television is not a tab of that browser).
    sid: null,
    createdAt: now,
    revokedAt: null,
  };
}

/**
 * Tokens for an approved device code, exactly once. The code is consumed only after the checks
 * that refuse for good, and put back if the backend then fails (503), so the device's next poll
 * still works instead of the code being lost.
 */
async function redeem(context: Context, request: TokenRequest, digest: string, record: DeviceCodeRecord, approval: Approval) {
  const user = await findActiveUser(context, approval.userId);
  await checkPolicy(context, request, record, user);
  await consumeApproved(context, request, digest, approval);
  const grant = grantOf(record, approval, context.clock.now());
  // OIDC Core §11: a refresh token only for a grant that includes offline_access (authentik #11399).
  const refresh = grant.scopes.includes('offline_access') ? newRefreshToken(context, request.application, grant) : undefined;
  try {
    const tokens = await issueTokens(context, {
      application: request.application,
      user,
      grant,
      nonce: null,
      requestId: request.requestId,
      // The grant's id is new: taken, it would be a fault, not a replay.
      record: recordingNewGrant(context.stores, grant, refresh?.record, () => new Error(`grant ${grant.id} exists already`)),
      ...(refresh ? { refreshToken: refresh.token } : {}),
    });
    return { ...tokens, userId: user.id };
  } catch (error) {
    if (toOAuthError(error).status === 503) {
      const lifetime = Math.max(1, record.expiresAt - context.clock.now());
      await context.codes.put(deviceKeys(digest).record, record, lifetime).catch(() => undefined);
    }
    throw error;
  }
}

/**
 * The device access token request (RFC 8628 §3.4–§3.5): the client authenticates like at any
 * grant (authentik did not require the secret, #21700), then polls until the user answers.
 */
export const deviceCodeGrant = {
  grantType: deviceCodeGrantType,
  parameters: ['device_code'],
  async handle(request: TokenRequest, context: Context) {
    const deviceCode = request.params['device_code'];
    if (!deviceCode) throw invalidRequest('device_code is required');
    const digest = deviceCodeDigest(deviceCode);
    const record = await findRecord(context, request, digest);
    const decision = await context.codes.find<DeviceDecision>(deviceKeys(digest).decision);
    if (decision?.kind === 'denied') throw deviceError('access_denied', 'the user denied the request');
    if (decision?.kind === 'approved') return redeem(context, request, digest, record, decision);
    await paceDevicePoll(context, digest, record);
    throw deviceError('authorization_pending', 'the user has not answered yet');
  },
} satisfies TokenGrantHandler;
