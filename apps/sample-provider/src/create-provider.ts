import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import proxyAddr from 'proxy-addr';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  createAuthorizationServer,
  memoryCodeCache,
  memoryStores,
  systemClock,
  OAuthError,
  type AuditEvent,
  type AuthorizationServer,
  type Clock,
  type CodeCache,
  type Hooks,
  type SessionUser,
  type Stores,
} from '@gatehouse/core';
import { githubScopeMappings, oauthRouter, pageCsp, requestLocale, supportedLocales, writeHtml, type RateLimitOptions } from '@gatehouse/express-router';
import { renderHomePage, renderSiteErrorPage } from './login/pages.js';
import { createLoginThrottle } from './login/login-throttle.js';
import { loginRoutes } from './login/login-routes.js';
import { metricsRoute } from './observability/metrics-route.js';
import { observeOwnRoutes } from './observability/observe-own-routes.js';
import { createProviderMetrics } from './observability/provider-metrics.js';
import { requestObserver } from './observability/request-observer.js';
import { applySeed, type SeedSummary } from './seed/apply-seed.js';
import { apiScopeMapping, managementApi } from './api/index.js';
import type { Seed } from './seed/seed-schema.js';

export interface ProviderOptions {
  /** Public base URL, e.g. `http://localhost:9000` (PUBLIC_URL). */
  readonly publicUrl: string;
  /** Signs the session cookie and salts subjects (SECRET_KEY). */
  readonly secretKey: string;
  readonly seed: Seed | null;
  readonly logger: Logger;
  readonly stores?: Stores;
  readonly codes?: CodeCache;
  readonly clock?: Clock;
  /** Policy hooks (e.g. `authorizeScopes`); events are logged by the provider itself. */
  readonly hooks?: Omit<Hooks, 'onEvent'>;
  /** Shares login rate limits and the router's rate limits between processes when set. */
  readonly redis?: Redis;
  /** The router's rate limits (token endpoint, introspection, failed client authentication); its defaults when absent. */
  readonly rateLimits?: Omit<RateLimitOptions, 'redis'>;
  /** Seconds applications and users stay cached in this process; 0 (the default) for none. */
  readonly storeCacheSeconds?: number;
  /** Throws when a backend is unreachable: `/readyz` answers 503 then. */
  readonly checkReadiness?: () => Promise<void>;
  /** Members of this group may use the management API at /api/v1 (ADMIN_GROUP); `admins` when absent. */
  readonly adminGroup?: string;
  /** The bearer token `GET /metrics` requires (METRICS_TOKEN); the metrics are open without it. */
  readonly metricsToken?: string;
}

// Events that point at a misconfiguration or an attack are warnings; the rest is the audit trail.
const warningEvents = new Set(['configuration_error', 'scopes_dropped', 'suspicious_request']);
function logEvent(logger: Logger, event: AuditEvent): void {
  logger[warningEvents.has(event.action) ? 'warn' : 'debug']({ event }, event.action);
}

export interface Provider {
  readonly app: Express;
  /**
   * What the HTTP server runs: the API endpoints straight on node:http (`serveApi`), everything
   * else through `app`.
   */
  readonly listener: RequestListener;
  readonly server: AuthorizationServer;
  readonly stores: Stores;
  readonly seed: SeedSummary | null;
}

/**
 * The reference provider as an Express app: sessions, password login, consent and the Gatehouse
 * router at `/`. `main.ts` adds the environment; tests call this directly.
 */
export async function createProvider(options: ProviderOptions): Promise<Provider> {
  const clock = options.clock ?? systemClock;
  const stores = options.stores ?? memoryStores();
  // Processes starting together take turns: the first generates what is missing, the others see it.
  const seed = options.seed ? await stores.transaction((tx) => applySeed(options.seed!, tx, clock), { exclusive: 'gatehouse:seed' }) : null;
  // Per provider, not prom-client's global registry: a process may run several.
  const metrics = createProviderMetrics();
  const observe = requestObserver(options.logger, metrics);
  const onEvent = (event: AuditEvent) => {
    logEvent(options.logger, event);
    metrics.countEvent(event);
  };
  // Mappings in code; the seed's (applied above) and the management API's are stored, and the
  // server puts them on top, by name.
  const scopeMappings = [...githubScopeMappings, apiScopeMapping];
  const server = createAuthorizationServer({
    baseUrl: options.publicUrl,
    stores,
    codes: options.codes ?? memoryCodeCache({ clock }),
    clock,
    subjectSalt: options.secretKey,
    uiLocales: [...supportedLocales],
    secretKey: options.secretKey,
    storeCacheSeconds: options.storeCacheSeconds ?? 0,
    scopeMappings,
    hooks: { ...options.hooks, onEvent },
  });
  // At start, so that no request waits for them (and a store that cannot be read fails the start).
  await server.reloadScopeMappings();
  const secure = options.publicUrl.startsWith('https:');
  const throttle = createLoginThrottle({ redis: options.redis });
  const browserSession = [
    session({
      name: secure ? '__Host-gatehouse.sid' : 'gatehouse.sid',
      secret: options.secretKey,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
    }),
  ];
  // The token, userinfo, introspection and metadata endpoints never need a browser session: the
  // router asks for the user (and so loads the session) only on its browser-facing routes.
  const loadSession = (req: Request) =>
    browserSession.reduce<Promise<void>>(
      (previous, middleware) =>
        previous.then(() => new Promise<void>((resolve, reject) => middleware(req, req.res!, (error?: unknown) => (error ? reject(error) : resolve())))),
      Promise.resolve(),
    );
  // The session id goes in as well: tokens carry its SHA-256 as `sid`.
  const currentUser = async (req: Request): Promise<SessionUser | undefined> => {
    if (!req.session) await loadSession(req);
    return req.user ? { ...(req.user as SessionUser), sessionId: req.sessionID } : undefined;
  };
  // RP-initiated logout (the core revoked the session's tokens already): passport forgets the user,
  // then the session itself goes, so its id (the tokens' `sid`) is never seen again.
  const endSession = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) =>
      req.logout((logoutError) => {
        if (logoutError) return reject(logoutError);
        req.session.destroy((destroyError) => {
          if (destroyError) return reject(destroyError);
          res.clearCookie(secure ? '__Host-gatehouse.sid' : 'gatehouse.sid', { path: '/', httpOnly: true, sameSite: 'lax', secure });
          resolve();
        });
      }),
    );
  // The provider's own logout page: the core revokes the session's tokens and notifies relying
  // parties first, then the browser session ends the same way.
  const signOut = async (req: Request, res: Response) => {
    const session = await currentUser(req);
    if (session) await server.logoutSession({ session, requestId: randomUUID() });
    await endSession(req, res);
  };
  // The login page's events (login, login_failed) are logged and counted like the server's.
  const loginEvents = { record: async (event: AuditEvent) => { await stores.events.record(event); onEvent(event); } };
  const { router: login, passport } = await loginRoutes(stores.users, clock, throttle, loginEvents, signOut);
  browserSession.push(passport.session());

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  const rateLimits = { ...options.rateLimits, ...(options.redis ? { redis: options.redis } : {}) };
  // The same proxies are trusted on the API endpoints, which run without Express.
  const clientAddress = (req: IncomingMessage) => proxyAddr(req, app.get('trust proxy fn'));
  const router = oauthRouter(server, { currentUser, endSession, loginUrl: '/login', logger: options.logger, rateLimits, clientAddress, onResponse: observe });
  // First, so the browser pages skip nothing of what they need, and nothing runs before them.
  app.use(router);
  // Whatever the router left to the provider: observed once too, with a request id.
  app.use(observeOwnRoutes(observe));
  // Headers for every response; pages set their own stricter Content-Security-Policy.
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } }, strictTransportSecurity: secure }));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/metrics', metricsRoute(metrics, options.metricsToken));
  app.get('/readyz', async (_req, res) => {
    try {
      await options.checkReadiness?.();
      res.json({ status: 'ready' });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready');
      res.status(503).set('Retry-After', '5').json({ status: 'unavailable' });
    }
  });
  app.use(...browserSession);
  app.use(login);
  // After the session: an administrator's browser may use the API too.
  app.use('/api/v1', managementApi({
    server,
    clock,
    adminGroup: options.adminGroup ?? 'admins',
    scopeMappings,
    publicUrl: options.publicUrl,
    sessionCookie: secure ? '__Host-gatehouse.sid' : 'gatehouse.sid',
    logger: options.logger,
  }));
  app.get('/', async (req, res) => {
    const user = req.user ? await stores.users.find((req.user as SessionUser).id) : null;
    const applications = (seed?.applications ?? []).map((app) => ({
      name: app.slug,
      discovery: `${options.publicUrl}/application/o/${app.slug}/.well-known/openid-configuration`,
    }));
    writeHtml(res, 200, renderHomePage({ username: user?.username ?? null, applications, locale: requestLocale(req, undefined) }), pageCsp);
  });
  app.use((req: Request, res: Response) => writeHtml(res, 404, renderSiteErrorPage('not-found', requestLocale(req, undefined)), pageCsp));
  // Express calls an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return res.destroy();
    // A backend outage (the login page's user lookup, say) is a 503 to retry, not a failure.
    if (error instanceof OAuthError && error.status === 503) {
      options.logger.warn({ err: error, path: req.path }, 'backend unavailable');
      res.setHeader('Retry-After', String(error.retryAfterSeconds ?? 5));
      return writeHtml(res, 503, renderSiteErrorPage('unavailable', requestLocale(req, undefined)), pageCsp);
    }
    options.logger.error({ err: error, path: req.path }, 'unhandled error');
    writeHtml(res, 500, renderSiteErrorPage('server-error', requestLocale(req, undefined)), pageCsp);
  });
  // The API endpoints skip Express altogether (DESIGN.md §8): they need no session, no helmet.
  const listener: RequestListener = (req, res) => router.serveApi(req, res, () => app(req, res));
  return { app, listener, server, stores, seed };
}
