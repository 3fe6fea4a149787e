import type { Request, Response } from 'express';
import type { AuthorizationServer } from '@gatehouse/core';
import type { OAuthRouterOptions } from '../router-options.js';

/** One endpoint: parses `req`, calls the server, writes `res`. */
export type Route = (req: Request, res: Response, requestId: string) => Promise<void>;

/** What every route module is built from. */
export interface RouteContext {
  readonly server: AuthorizationServer;
  readonly options: OAuthRouterOptions;
}
