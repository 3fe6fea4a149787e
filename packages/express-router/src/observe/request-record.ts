/**
 * The stable name of each route the router answers: what a request log line and a metric label
 * show instead of the raw path (which carries slugs, user names and anything a client types).
 */
export type EndpointName =
  | 'authorize'
  | 'authorize_resume'
  | 'authorize_consent'
  | 'token'
  | 'revocation'
  | 'introspection'
  | 'device_authorization'
  | 'device_verification'
  | 'device_consent'
  | 'userinfo'
  | 'discovery'
  | 'jwks'
  | 'end_session'
  | 'end_session_confirm'
  | 'application'
  | 'github_authorize'
  | 'github_token'
  | 'github_user'
  | 'github_emails'
  | 'github_teams'
  | 'github_orgs'
  | 'github_membership'
  | 'github_not_found';

/**
 * One request the router answered, as `onResponse` receives it: what a request log line and
 * request metrics need. It holds no parameter value a client sends as a secret.
 */
export interface RequestRecord {
  /** The response's `X-Request-Id` (and the `request_id` of an error body). */
  readonly requestId: string;
  readonly method: string;
  readonly endpoint: EndpointName;
  /** The HTTP status written. */
  readonly status: number;
  /**
   * `ok`, the OAuth error code answered (`invalid_grant`, `invalid_client`, `access_denied`
   * redirected to the client, ...), or `rate_limited` for a 429.
   */
  readonly outcome: string;
  /**
   * The client the request names (Basic header, `client_id`, the issuer of a client assertion),
   * whether or not it authenticated: `outcome` tells. Known at the token, revocation,
   * introspection, device authorization, GitHub token and authorization endpoints.
   */
  readonly clientId?: string | undefined;
  /** The `grant_type` a token request sent. */
  readonly grantType?: string | undefined;
  /** From the router taking the request to the response being written, in milliseconds. */
  readonly durationMs: number;
}

/** Sees each request the router answered; see `OAuthRouterOptions.onResponse`. */
export type RequestObserver = (record: RequestRecord) => void;
