import type { Request } from 'express';
import { isUsable, OAuthError, type AuthorizationServer, type Clock, type SessionUser, type Stores, type User } from '@gatehouse/core';
import { verifyCsrfToken } from '@gatehouse/express-router';
import { ApiError } from './api-error.js';
import { apiScope } from './api-scope.js';

export interface AdministratorPolicy {
  readonly server: AuthorizationServer;
  readonly stores: Stores;
  readonly clock: Clock;
  /** Members of this group are administrators (ADMIN_GROUP). */
  readonly adminGroup: string;
}

// RFC 6750 §3: a request without credentials gets the bare challenge, a refused token its error.
const challenge = (error?: { readonly code: string; readonly description: string }, scope?: string): Record<string, string> => ({
  'WWW-Authenticate': `Bearer realm="gatehouse"${error ? `, error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}"` : ''}${scope ? `, scope="${scope}"` : ''}`,
});

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function requireAdministrator(user: User, policy: AdministratorPolicy): User {
  if (!user.groups.includes(policy.adminGroup)) throw new ApiError(403, 'access_denied', `only members of ${policy.adminGroup} may use the management API`);
  return user;
}

async function byToken(header: string, policy: AdministratorPolicy, requestId: string): Promise<User> {
  const token = header.match(/^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i)?.[1];
  const refuse = (description: string) => new ApiError(401, 'invalid_token', description, [], challenge({ code: 'invalid_token', description }));
  if (token === undefined) throw refuse('the Authorization header is not a Bearer token');
  let inspection;
  try {
    inspection = await policy.server.inspectAccessToken({ token, requestId });
  } catch (error) {
    if (error instanceof OAuthError && error.status < 500) throw refuse(error.description);
    throw error;
  }
  if (!inspection.scopes.includes(apiScope)) {
    const description = `the access token lacks the ${apiScope} scope`;
    throw new ApiError(403, 'insufficient_scope', description, [], challenge({ code: 'insufficient_scope', description }, apiScope));
  }
  return requireAdministrator(inspection.user, policy);
}

async function bySession(req: Request, policy: AdministratorPolicy): Promise<User> {
  const session = req.user as SessionUser | undefined;
  const user = session ? await policy.stores.users.find(session.id) : null;
  if (!isUsable(user, policy.clock.now())) {
    throw new ApiError(401, 'invalid_token', `an access token with the ${apiScope} scope, or an administrator's session, is required`, [], challenge());
  }
  requireAdministrator(user, policy);
  // A browser sends the session cookie with any site's form: unsafe requests must prove they come from our pages.
  if (!safeMethods.has(req.method) && !verifyCsrfToken(req, req.get('x-csrf-token'))) {
    throw new ApiError(403, 'access_denied', 'a session request that changes something needs the X-CSRF-Token header (GET /api/v1/csrf-token)');
  }
  return user;
}

/**
 * The administrator making the request: the user of a Bearer access token carrying `gatehouse:api`
 * (verified like at userinfo: signature, expiry, revocation, active user), or of the browser
 * session; either way a member of the admin group. Refuses with 401 or 403 otherwise.
 */
export function authenticateAdministrator(req: Request, policy: AdministratorPolicy, requestId: string): Promise<User> {
  const authorization = req.get('authorization');
  return authorization !== undefined ? byToken(authorization, policy, requestId) : bySession(req, policy);
}
