import type { Application } from '../clients/application.js';
import { OAuthError, toOAuthError } from '../errors/oauth-error.js';
import { narrowScopes } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import { digestToken, randomToken } from '../tokens/opaque-token.js';
import type { User } from '../users/user.js';
import { issueAuthorizationCode } from './authorization-code.js';
import type { AuthorizationOutcome, RedirectOutcome } from './authorization-outcome.js';
import type { AuthorizationRequest, ReplyTarget, SessionUser } from './authorization-request.js';
import { needsConsent, rememberConsent } from './consent.js';
import { parseAuthorizationRequest, resolveReplyTarget } from './parse-authorization-request.js';

export interface AuthorizeInput {
  /** Query (GET) or form (POST) parameters, each at most once. */
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly session: SessionUser | null;
  readonly requestId: string;
}

export interface ConsentDecisionInput {
  readonly interactionId: string;
  readonly decision: 'allow' | 'deny';
  readonly session: SessionUser | null;
  readonly requestId: string;
}

/** A request waiting for the user's consent, kept in the CodeCache. */
interface Interaction {
  readonly request: AuthorizationRequest;
  readonly session: SessionUser;
}

const interactionKey = (id: string) => `interaction:${digestToken(id)}`;

/** RFC 6749 §4.1.2.1 with RFC 9207's `iss`: the error goes back to the client. */
export function errorRedirect(target: ReplyTarget, error: OAuthError): RedirectOutcome {
  return {
    kind: 'redirect',
    target,
    parameters: {
      error: error.code,
      error_description: error.description,
      ...(target.state !== undefined ? { state: target.state } : {}),
      iss: target.issuer,
    },
  };
}

async function activeUser(context: Pick<ServerContext, 'stores'>, session: SessionUser | null): Promise<User | null> {
  if (!session) return null;
  const user = await context.stores.users.find(session.id);
  return user?.isActive ? user : null;
}

/** Application access policy: with `allowedGroups` set, only their members may sign in. */
function mayUse(application: Application, user: User): boolean {
  return application.allowedGroups.length === 0 || user.groups.some((group) => application.allowedGroups.includes(group));
}

async function codeRedirect(
  context: Pick<ServerContext, 'codes' | 'stores' | 'clock'>,
  request: AuthorizationRequest,
  application: Application,
  session: SessionUser,
  requestId: string,
): Promise<RedirectOutcome> {
  const code = await issueAuthorizationCode(context, request, application, session.id, session.authTime);
  await context.stores.events.record({
    action: 'authorize_application',
    at: context.clock.now(),
    applicationId: application.id,
    userId: session.id,
    requestId,
    context: { scopes: request.scopes },
  });
  return {
    kind: 'redirect',
    target: request,
    parameters: { code, ...(request.state !== undefined ? { state: request.state } : {}), iss: request.issuer },
  };
}

/** The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2) for the code flow. */
export async function authorize(context: ServerContext, input: AuthorizeInput): Promise<AuthorizationOutcome> {
  let resolved: Awaited<ReturnType<typeof resolveReplyTarget>>;
  try {
    resolved = await resolveReplyTarget(input.params, context);
  } catch (error) {
    return { kind: 'error', error: toOAuthError(error) };
  }
  const { application, target } = resolved;
  try {
    const parsed = parseAuthorizationRequest(input.params, application, target, context.settings);
    const { granted, dropped } = narrowScopes(parsed.scopes, application.scopes);
    if (dropped.length > 0) {
      await context.stores.events.record({
        action: 'scopes_dropped',
        at: context.clock.now(),
        applicationId: application.id,
        requestId: input.requestId,
        context: { dropped },
      });
    }
    const request: AuthorizationRequest = { ...parsed, scopes: granted };
    const user = await activeUser(context, input.session);
    if (!user || !input.session) {
      // OIDC Core §3.1.2.6: prompt=none must not show a login page.
      if (request.prompt.includes('none')) throw new OAuthError('login_required', 'the user is not signed in');
      return { kind: 'login', loginHint: request.loginHint };
    }
    if (!mayUse(application, user)) throw new OAuthError('access_denied', 'the user may not use this application');
    if (!(await needsConsent(context, application, request, user.id))) {
      return await codeRedirect(context, request, application, input.session, input.requestId);
    }
    if (request.prompt.includes('none')) throw new OAuthError('consent_required', 'the user has not consented yet');
    const interactionId = randomToken();
    const interaction: Interaction = { request, session: input.session };
    await context.codes.put(interactionKey(interactionId), interaction, context.settings.interactionTtlSeconds);
    return {
      kind: 'consent',
      interactionId,
      application: { name: application.name, slug: application.slug },
      scopes: request.scopes.map((scope) => ({
        scope,
        description: context.scopeMappings.get(scope)?.description ?? scope,
      })),
    };
  } catch (error) {
    return errorRedirect(target, toOAuthError(error));
  }
}

/** The user's answer on the consent page: a code for `allow`, `access_denied` for `deny`. */
export async function completeConsent(context: ServerContext, input: ConsentDecisionInput): Promise<AuthorizationOutcome> {
  const consumed = await context.codes.consume<Interaction>(interactionKey(input.interactionId));
  if (!consumed || consumed.alreadyConsumed) {
    return {
      kind: 'error',
      error: new OAuthError('invalid_request', 'this consent request has expired or was already answered; start the sign-in again', {
        redirectable: false,
      }),
    };
  }
  const { request, session } = consumed.value;
  if (!input.session || input.session.id !== session.id) {
    return {
      kind: 'error',
      error: new OAuthError('access_denied', 'this consent request belongs to another session', { redirectable: false }),
    };
  }
  try {
    const application = await context.stores.applications.findByClientId(request.clientId);
    if (!application || application.id !== request.applicationId) throw new OAuthError('invalid_request', 'the application no longer exists');
    if (input.decision === 'deny') throw new OAuthError('access_denied', 'the user denied the request');
    await rememberConsent(context, application, request.scopes, session.id);
    return await codeRedirect(context, request, application, session, input.requestId);
  } catch (error) {
    return errorRedirect(request, toOAuthError(error));
  }
}
