import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import type { Logger } from 'pino';
import {
  createAuthorizationServer,
  memoryCodeCache,
  memoryStores,
  systemClock,
  type AuthorizationServer,
  type Clock,
  type CodeCache,
  type SessionUser,
  type Stores,
} from '@gatehouse/core';
import { oauthRouter, pageCsp, renderPage, writeHtml } from '@gatehouse/express-router';
import { renderHomePage } from './login/pages.js';
import { loginRoutes } from './login/login-routes.js';
import { applySeed, type SeedSummary } from './seed/apply-seed.js';
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
}

export interface Provider {
  readonly app: Express;
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
  const seed = options.seed ? await stores.transaction((tx) => applySeed(options.seed!, tx, clock)) : null;
  const server = createAuthorizationServer({
    baseUrl: options.publicUrl,
    stores,
    codes: options.codes ?? memoryCodeCache({ clock }),
    clock,
    subjectSalt: options.secretKey,
  });
  const secure = options.publicUrl.startsWith('https:');
  const { router: login, passport } = await loginRoutes(stores.users, clock);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(
    session({
      name: secure ? '__Host-gatehouse.sid' : 'gatehouse.sid',
      secret: options.secretKey,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
    }),
  );
  app.use(passport.session());
  app.use(oauthRouter(server, { currentUser: (req) => req.user as SessionUser | undefined, loginUrl: '/login', logger: options.logger }));
  app.use(login);
  app.get('/', async (req, res) => {
    const user = req.user ? await stores.users.find((req.user as SessionUser).id) : null;
    const applications = (seed?.applications ?? []).map((app) => ({
      name: app.slug,
      discovery: `${options.publicUrl}/application/o/${app.slug}/.well-known/openid-configuration`,
    }));
    writeHtml(res, 200, renderHomePage({ username: user?.username ?? null, applications }), pageCsp);
  });
  app.use((_req: Request, res: Response) => writeHtml(res, 404, renderPage('Not found', '<h1>Not found</h1>'), pageCsp));
  // Express calls an error handler by its four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    options.logger.error({ err: error, path: req.path }, 'unhandled error');
    if (res.headersSent) return res.destroy();
    writeHtml(res, 500, renderPage('Error', '<h1>Something went wrong</h1><p>Please try again.</p>'), pageCsp);
  });
  return { app, server, stores, seed };
}
