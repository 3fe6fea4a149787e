import type { Application } from '../clients/application.js';
import type { ServerContext } from '../server-context.js';

/** A token-endpoint request after client authentication (or identification, see below). */
export interface TokenRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The client: authenticated, unless the grant authenticates it itself. */
  readonly application: Application;
  /** The `Authorization` header, for grants that authenticate the client themselves. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

/** A successful token response (RFC 6749 §5.1) before it is mapped to the wire. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly scope: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** The user the tokens are for, named in the `token_issued` audit event; never sent. */
  readonly userId?: string;
}

/**
 * One `grant_type` of the token endpoint. Built-in grants and custom ones register the same way;
 * `handle` reads as a list of named steps and takes only the part of the context it declares.
 */
export interface TokenGrantHandler {
  readonly grantType: string;
  /** The request parameters this grant reads. */
  readonly parameters: readonly string[];
  /**
   * `authenticate` (default): the endpoint authenticates the client before `handle`.
   * `identify`: the endpoint only finds the client by its id, and the grant decides who is
   * calling (client_credentials' machine-to-machine paths, fosite's `CanSkipClientAuth`).
   */
  readonly client?: 'authenticate' | 'identify';
  handle(request: TokenRequest, context: ServerContext): Promise<TokenResponse>;
}

/** RFC 6749 §5.1 on the wire. */
export function toTokenResponseBody(response: TokenResponse): Record<string, string | number> {
  return {
    access_token: response.accessToken,
    token_type: response.tokenType,
    expires_in: response.expiresIn,
    scope: response.scope,
    ...(response.idToken !== undefined ? { id_token: response.idToken } : {}),
    ...(response.refreshToken !== undefined ? { refresh_token: response.refreshToken } : {}),
  };
}
