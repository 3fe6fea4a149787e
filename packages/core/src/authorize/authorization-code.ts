import { createHash, randomUUID } from 'node:crypto';
import type { PkceChallenge } from '../pkce.js';
import type { ServerContext } from '../server-context.js';
import { digestToken, randomToken } from '../tokens/opaque-token.js';
import type { AuthorizationRequest, SessionUser } from './authorization-request.js';

/** What an authorization code stands for, kept in the CodeCache under the code's digest. */
export interface AuthorizationCode {
  /** Decided when the code is issued, so that a replay can revoke what the first use minted. */
  readonly grantId: string;
  readonly applicationId: string;
  readonly userId: string;
  readonly redirectUri: string;
  /** The authorization request left `redirect_uri` out (RFC 6749 §4.1.3: then optional at the token endpoint). */
  readonly redirectUriImplied?: boolean;
  readonly scopes: readonly string[];
  readonly nonce: string | null;
  readonly pkce: PkceChallenge | null;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly sid: string | null;
  /** Hybrid flows write the grant at the authorization endpoint already, with the tokens it returned. */
  readonly grantCreated: boolean;
}

/** The `sid` claim of a browser session: a hash, so tokens never carry the session id itself. */
export const sidOf = (session: SessionUser): string | null =>
  session.sessionId === undefined ? null : createHash('sha256').update(session.sessionId).digest('hex');

export const authorizationCodeKey = (code: string): string => `code:${digestToken(code)}`;

/** Issues a single-use authorization code for a consented request (RFC 6749 §4.1.2). */
export async function issueAuthorizationCode(
  context: Pick<ServerContext, 'codes' | 'stores'>,
  request: AuthorizationRequest,
  application: { readonly accessCodeValiditySeconds: number },
  session: SessionUser,
  grant: { readonly id: string; readonly created: boolean } = { id: randomUUID(), created: false },
): Promise<string> {
  const code = randomToken();
  const payload: AuthorizationCode = {
    grantId: grant.id,
    grantCreated: grant.created,
    applicationId: request.applicationId,
    userId: session.id,
    redirectUri: request.redirectUri,
    ...(request.redirectUriImplied === true ? { redirectUriImplied: true } : {}),
    scopes: request.scopes,
    nonce: request.nonce ?? null,
    pkce: request.pkce,
    authTime: session.authTime,
    amr: session.amr ?? [],
    sid: sidOf(session),
  };
  await context.codes.put(authorizationCodeKey(code), payload, application.accessCodeValiditySeconds);
  return code;
}
