import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { AuthorizationServer } from '@gatehouse/core';
import type { EndpointName } from '../observe/request-record.js';
import type { OAuthRouterOptions } from '../router-options.js';

/**
 * A request as the API routes read it: node's own, plus what Express adds when the router runs
 * inside an Express app (a body parsed earlier, the URL before mounting, the proxy-aware address).
 * The API routes also run straight on node:http (`serveApi`), where none of these is set.
 */
export type ApiRequest = IncomingMessage & {
  readonly body?: unknown;
  readonly originalUrl?: string;
  readonly ip?: string | undefined;
};

/** An endpoint that needs no browser session: parses `req`, calls the server, writes `res`. */
export type ApiRoute = (req: ApiRequest, res: ServerResponse, requestId: string) => Promise<void>;

/** A browser-facing endpoint: it may ask the host for the session's user, so it runs inside Express. */
export type Route = (req: Request, res: Response, requestId: string) => Promise<void>;

/** What every route module is built from. */
export interface RouteContext {
  readonly server: AuthorizationServer;
  readonly options: OAuthRouterOptions;
}

/** The routes of one path by method; `any` answers the methods the others do not list. */
export type Methods = Partial<Record<'GET' | 'POST' | 'OPTIONS' | 'any', Route>>;

/** A path's routes, whether they are browser pages (served only inside Express), and its name for observers. */
export interface Endpoint {
  readonly methods: Methods;
  readonly page: boolean;
  readonly name: EndpointName;
}
