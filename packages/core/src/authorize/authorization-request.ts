import type { PkceChallenge } from '../pkce.js';

export type ResponseMode = 'query' | 'fragment' | 'form_post';
export type ResponseTypeWord = 'code' | 'id_token' | 'token';

/** Where and how an authorization response (success or error) goes back to the client. */
export interface ReplyTarget {
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly state: string | undefined;
  /** RFC 9207: the issuer, sent as `iss` with every authorization response. */
  readonly issuer: string;
}

/**
 * A validated authorization request. It is plain data (the application by id), so it can wait
 * in the CodeCache while the user looks at the consent page.
 */
export interface AuthorizationRequest extends ReplyTarget {
  readonly applicationId: string;
  readonly clientId: string;
  /** The words of `response_type`, sorted: `code`, `id_token`, `token` (OIDC Core §3, §3.2, §3.3). */
  readonly responseType: readonly ResponseTypeWord[];
  readonly scopes: readonly string[];
  readonly nonce: string | undefined;
  readonly pkce: PkceChallenge | null;
  readonly prompt: readonly string[];
  readonly maxAge: number | undefined;
  readonly loginHint: string | undefined;
  /** OIDC Core §3.1.2.1: the languages the user prefers for the pages, as sent (space-separated BCP 47 tags). */
  readonly uiLocales?: string | undefined;
  /**
   * The request left `redirect_uri` out and got the application's only one (RFC 6749
   * §3.1.2.3): the token request need not repeat it (§4.1.3).
   */
  readonly redirectUriImplied?: boolean;
}

/** The user a browser session belongs to, as the host application knows it. */
export interface SessionUser {
  readonly id: string;
  /** When the user authenticated, epoch seconds (`auth_time`). */
  readonly authTime: number;
  /** How the user authenticated (RFC 8176 values such as `pwd`, `mfa`), for the `amr` claim. */
  readonly amr?: readonly string[];
  /**
   * An identifier of the browser session; tokens carry its SHA-256 as `sid` (OIDC Front- and
   * Back-Channel Logout), never the identifier itself.
   */
  readonly sessionId?: string;
}
