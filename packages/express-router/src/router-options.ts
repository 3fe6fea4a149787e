import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { SessionUser } from '@gatehouse/core';
import type { Logger } from 'pino';
import type { GithubOptions } from './github/github-routes.js';
import type { RateLimitOptions } from './http/rate-limits.js';
import type { RequestObserver } from './observe/request-record.js';

/** How the router learns about the host application's users and pages. */
export interface OAuthRouterOptions {
  /** The signed-in user of this browser session, or null/undefined when nobody is signed in. */
  currentUser(req: Request): SessionUser | null | undefined | Promise<SessionUser | null | undefined>;
  /** The login page; the router sends the browser there with `?next=<authorization URL>`. */
  readonly loginUrl: string;
  /**
   * Ends the host's browser session (e.g. `req.logout` and destroying the session) after the
   * end-session endpoint revoked its tokens (OIDC RP-Initiated Logout 1.0). Without it the
   * end-session endpoint answers with an error page: it cannot sign anybody out.
   */
  endSession?(req: Request, res: Response): void | Promise<void>;
  /** Where server errors are logged with their request id; silent when absent. */
  readonly logger?: Logger;
  /**
   * The GitHub-compatible routes (`/login/oauth/*`, `/user`, `/user/emails`, `/user/teams`,
   * `/user/orgs`, `/orgs/<org>/members/<user>`, and everything under `/api/v3/`): their
   * organization, or `false` to leave those paths to the host application. On by default.
   */
  readonly github?: GithubOptions | false;
  /**
   * Rate limits of the token endpoint (per client), introspection (per caller) and failed client
   * authentication (per address), answered `429` with `Retry-After`; in this process's memory
   * unless `redis` is given. On with the defaults of `defaultRateLimits`; `false` switches them off.
   */
  readonly rateLimits?: RateLimitOptions | false;
  /**
   * The client's address for the per-address limits. Inside Express, `req.ip` (which honours
   * `trust proxy`) is used when this is absent; give it when the API endpoints run straight on
   * node:http (`serveApi`) behind a proxy, e.g. with `proxy-addr` and your proxy list.
   */
  clientAddress?(req: IncomingMessage): string | undefined;
  /**
   * Called once for each request the router answers (the API endpoints on node:http and the
   * pages in Express), right after its response is written, with its request id, endpoint name,
   * status, outcome, client, grant type and duration: for request logs and metrics. It runs on
   * the token endpoint's path, so keep it quick; what it throws is logged and dropped. Without
   * it the router measures nothing.
   */
  readonly onResponse?: RequestObserver;
}
