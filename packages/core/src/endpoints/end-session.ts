import type { SessionUser } from '../authorize/authorization-request.js';
import type { Application } from '../clients/application.js';
import { OAuthError, invalidRequest, toOAuthError } from '../errors/oauth-error.js';
import type { BackchannelLogout } from '../logout/backchannel-logout.js';
import type { EndSessionOutcome } from '../logout/end-session-outcome.js';
import { verifyIdTokenHint, type IdTokenHint } from '../logout/id-token-hint.js';
import { logoutSession } from '../logout/logout-session.js';
import { consumePendingLogout, createPendingLogout } from '../logout/pending-logout.js';
import { postLogoutRedirect } from '../logout/post-logout-redirect.js';
import { checkParams, endSessionSyntax } from '../params/param-syntax.js';
import type { ServerContext } from '../server-context.js';
import { subjectFor } from '../users/subject.js';
import type { User } from '../users/user.js';

export interface EndSessionInput {
  /** The application whose end-session endpoint was called (`/application/o/<slug>/end-session/`). */
  readonly slug: string;
  /** Query (GET) or form (POST) parameters (RP-Initiated Logout 1.0 §2 allows both). */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly session: SessionUser | null;
  readonly requestId: string;
}

export interface EndSessionDecisionInput {
  readonly interactionId: string;
  readonly decision: 'allow' | 'deny';
  readonly session: SessionUser | null;
  readonly requestId: string;
}

type Context = Pick<ServerContext, 'stores' | 'codes' | 'keys' | 'clock' | 'settings'>;

const errorOutcome = (error: unknown): EndSessionOutcome => ({ kind: 'error', error: toOAuthError(error) });

/**
 * The request speaks for the signed-in user when its hint is an ID token of that very user
 * (§2: the OP uses the hint to tell whether the RP's user is the one signed in). `logout_hint`
 * is unauthenticated: it can only take trust away, when it names somebody else.
 */
function speaksForUser(application: Application, user: User | null, hint: IdTokenHint | null, logoutHint: string | undefined, salt: string): boolean {
  if (!hint || !user) return false;
  const subject = subjectFor(application, user, salt);
  if (hint.subject !== subject) return false;
  return logoutHint === undefined || [subject, user.username, user.email].includes(logoutHint);
}

/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2–§3) of one application.
 * A valid `id_token_hint` of the signed-in user logs out at once; any other request from a
 * signed-in browser asks the user first (§6: logout requests can be forged). An invalid hint is
 * an error page and never a redirect.
 */
export async function endSession(context: Context, backchannel: BackchannelLogout, input: EndSessionInput): Promise<EndSessionOutcome> {
  try {
    const { params, session } = input;
    const application = await context.stores.applications.findBySlug(input.slug);
    if (!application) throw new OAuthError('invalid_request', 'no application with this slug', { status: 404, redirectable: false });
    checkParams(endSessionSyntax, params, { redirectable: false });
    const clientId = params['client_id'];
    // §2: client_id, alone or with a hint, must be the client of this endpoint and of the hint.
    if (clientId !== undefined && clientId !== application.clientId) {
      throw invalidRequest('client_id does not belong to this application', { redirectable: false });
    }
    const hintParam = params['id_token_hint'];
    const hint = hintParam === undefined ? null : await verifyIdTokenHint(context, application, hintParam);
    const redirectTo = postLogoutRedirect(application, params['post_logout_redirect_uri'], params['state'], hint !== null || clientId !== undefined);
    if (!session) return { kind: 'signed-out', endSession: false, redirectTo, application: { name: application.name } };

    const user = await context.stores.users.find(session.id);
    if (speaksForUser(application, user, hint, params['logout_hint'], context.settings.subjectSalt)) {
      await logoutSession(context, backchannel, { session, requestId: input.requestId, applicationId: application.id });
      return { kind: 'signed-out', endSession: true, redirectTo, application: { name: application.name } };
    }
    const interactionId = await createPendingLogout(context, { applicationId: application.id, userId: session.id, redirectTo });
    return {
      kind: 'confirm-logout',
      interactionId,
      application: { name: application.name, slug: application.slug },
      user: user ? { username: user.username } : null,
    };
  } catch (error) {
    return errorOutcome(error);
  }
}

/** The user's answer on the logout confirmation page: `allow` signs out, `deny` keeps the session. */
export async function confirmEndSession(context: Context, backchannel: BackchannelLogout, input: EndSessionDecisionInput): Promise<EndSessionOutcome> {
  try {
    const pending = await consumePendingLogout(context, input.interactionId);
    if (!pending) throw invalidRequest('this sign-out request has expired or was already answered', { redirectable: false });
    if (input.session && input.session.id !== pending.userId) {
      throw new OAuthError('access_denied', 'this sign-out request belongs to another session', { redirectable: false });
    }
    const application = { name: (await context.stores.applications.findById(pending.applicationId))?.name ?? '' };
    if (input.decision === 'deny') return { kind: 'still-signed-in', application };
    // Signed out meanwhile (another tab): nothing left to end, the redirect still applies.
    if (!input.session) return { kind: 'signed-out', endSession: false, redirectTo: pending.redirectTo, application };
    await logoutSession(context, backchannel, { session: input.session, requestId: input.requestId, applicationId: pending.applicationId });
    return { kind: 'signed-out', endSession: true, redirectTo: pending.redirectTo, application };
  } catch (error) {
    return errorOutcome(error);
  }
}
