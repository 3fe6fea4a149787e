import type { Application } from './clients/application.js';
import type { AuditEvent } from './storage/event-sink.js';
import type { User } from './users/user.js';

/** What the scope policy sees (authentik's policy context, behaviour spec §4.4). */
export interface ScopePolicyContext {
  readonly user: User;
  readonly application: Application;
  readonly scopes: readonly string[];
  readonly grantType: string;
  /** At the token endpoint, for PKCE-bound grants. */
  readonly codeVerifier: string | undefined;
  /** The decoded claims of a JWT client assertion, for machine-to-machine grants. */
  readonly jwt: Readonly<Record<string, unknown>> | undefined;
  readonly redirectUri: string | undefined;
}

/** Typed extension points of the server. */
export interface Hooks {
  /**
   * Decides whether `user` may receive `scopes` from `application`; false denies the request
   * (`access_denied` at the authorization endpoint, `invalid_grant` at the token endpoint).
   */
  authorizeScopes?(context: ScopePolicyContext): boolean | Promise<boolean>;
  /** Sees every audit event as it is recorded, e.g. to log it. */
  onEvent?(event: AuditEvent): void;
}
