import type { SessionUser } from '../authorize/authorization-request.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { subjectFor } from '../users/subject.js';
import type { BackchannelLogout } from './backchannel-logout.js';
import { sessionSid } from './session-sid.js';

export interface LogoutSessionInput {
  /** The browser session that ends. */
  readonly session: SessionUser;
  readonly requestId: string;
  /** The application whose relying party asked for the logout, for the audit trail. */
  readonly applicationId?: string;
}

type Context = Pick<ServerContext, 'stores' | 'clock' | 'settings'>;

/** Back-Channel Logout 1.0 §2.5: one logout token per relying party that took part in the session. */
async function notifyRelyingParties(context: Context, backchannel: BackchannelLogout, grants: readonly Grant[], session: SessionUser, requestId: string): Promise<void> {
  const byApplication = new Map(grants.map((grant) => [grant.applicationId, grant.sid]));
  if (byApplication.size === 0) return;
  const user = await context.stores.users.find(session.id);
  for (const [applicationId, sid] of byApplication) {
    const application = await context.stores.applications.findById(applicationId);
    const uri = application?.backchannelLogoutUri;
    if (!application || !uri) continue;
    backchannel.notify({
      application: { ...application, backchannelLogoutUri: uri },
      subject: user ? subjectFor(application, user, context.settings.subjectSalt) : null,
      sid,
      requestId,
    });
  }
}

/**
 * Ends a browser session on the server's side: revokes every grant the session produced, with
 * all its access and refresh tokens (RP-Initiated Logout 1.0 §2: the OP logs the user out of
 * the session, and tokens bound to it stop working), records a `logout` event, and queues the
 * back-channel notices. The host ends its own session (cookie) itself.
 */
export async function logoutSession(context: Context, backchannel: BackchannelLogout, input: LogoutSessionInput): Promise<void> {
  const { session, requestId } = input;
  const at = context.clock.now();
  const sid = session.sessionId === undefined ? null : sessionSid(session.sessionId);
  const grants = sid === null ? [] : (await context.stores.grants.findBySid(sid)).filter((grant) => grant.revokedAt === null && grant.userId === session.id);
  if (grants.length > 0) {
    // Only writes inside: a read here could wait on this very transaction (PGlite has one connection).
    await context.stores.transaction(async (stores) => {
      for (const grant of grants) {
        await stores.grants.revoke(grant.id, at);
        await stores.accessTokens.revokeByGrantId(grant.id, at);
        await stores.refreshTokens.revokeByGrantId(grant.id, at);
      }
    });
  }
  await context.stores.events.record({
    action: 'logout',
    at,
    userId: session.id,
    requestId,
    ...(input.applicationId !== undefined ? { applicationId: input.applicationId } : {}),
    context: { grants: grants.map((grant) => grant.id) },
  });
  await notifyRelyingParties(context, backchannel, grants, session, requestId);
}
