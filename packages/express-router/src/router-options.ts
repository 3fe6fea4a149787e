import type { Request } from 'express';
import type { SessionUser } from '@gatehouse/core';
import type { Logger } from 'pino';

/** How the router learns about the host application's users and pages. */
export interface OAuthRouterOptions {
  /** The signed-in user of this browser session, or null/undefined when nobody is signed in. */
  currentUser(req: Request): SessionUser | null | undefined | Promise<SessionUser | null | undefined>;
  /** The login page; the router sends the browser there with `?next=<authorization URL>`. */
  readonly loginUrl: string;
  /** Where server errors are logged with their request id; silent when absent. */
  readonly logger?: Logger;
}
