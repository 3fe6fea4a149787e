import { hash, verify } from '@node-rs/argon2';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { isUsable, randomToken, type Clock, type EventSink, type SessionUser, type UserStore } from '@gatehouse/core';
import { csrfField, csrfToken, pageCsp, requestLocale, verifyCsrfToken, writeHtml } from '@gatehouse/express-router';
import { z } from 'zod';
import { loginLocale } from './login-locale.js';
import { renderLoginPage, renderLogoutPage, renderUnreadableLogoutPage } from './pages.js';
import { siteMessages, type SiteMessages } from './site-messages.js';
import type { LoginThrottle } from './login-throttle.js';
import { safeNext } from './safe-next.js';

// The forms as the handlers read them: one text value per field (express.urlencoded makes a
// repeated field an array), no longer than a person types. Other fields are ignored.
// No control characters (PostgreSQL refuses NUL in a lookup); a password may have TAB.
const text = (max: number, chars = /^[^\x00-\x1f\x7f]*$/) => z.string().max(max).regex(chars).optional();
const loginForm = z.object({ username: text(256), password: text(1024, /^[^\x00-\x08\x0a-\x1f\x7f]*$/), next: text(2048), [csrfField]: text(128) });
const logoutForm = z.object({ decision: text(16), [csrfField]: text(128) });

/** What the login page says went wrong, picked from the page's language. */
type LoginProblem = (messages: SiteMessages['login']) => string;

const urlencoded = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 50 });

/**
 * express.urlencoded, with what it refuses (a body over the limit, too many fields, another
 * charset, a body cut short) answered by `refuse` with its 4xx status instead of reaching the
 * error handler as a 500.
 */
function formBody(refuse: (req: Request, res: Response, status: number) => void): RequestHandler {
  return (req, res, next) =>
    urlencoded(req, res, (error?: unknown) => {
      if (!error) return next();
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) return refuse(req, res, status);
      next(error);
    });
}

/**
 * Password login with passport-local against the UserStore (argon2id hashes), and logout.
 * The session holds only `{ id, authTime, amr }`; the server loads the user itself.
 */
export async function loginRoutes(
  users: UserStore,
  clock: Clock,
  throttle: LoginThrottle,
  events: Pick<EventSink, 'record'>,
  /** Ends the session everywhere: its grants' tokens, the relying parties' sessions, the browser's. */
  signOut: (req: express.Request, res: express.Response) => Promise<void>,
): Promise<{ readonly router: Router; readonly passport: InstanceType<typeof Passport> }> {
  // Unknown users are verified against this hash too, so timing does not tell whether an account exists.
  const decoyHash = await hash(randomToken());
  const passport = new Passport();
  passport.use(
    new LocalStrategy(async (username, password, done) => {
      try {
        const user = await users.findByUsername(username);
        const valid = await verify(user?.passwordHash ?? decoyHash, password);
        if (!user?.passwordHash || !isUsable(user, clock.now()) || user.type === 'service_account' || !valid) return done(null, false);
        const session: SessionUser = { id: user.id, authTime: clock.now(), amr: ['pwd'] };
        return done(null, session);
      } catch (error) {
        return done(error);
      }
    }),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: SessionUser, done) => done(null, user));

  const router = express.Router();
  const loginPage = (req: Request, res: Response, status: number, fields: { readonly next?: string | undefined; readonly username?: string | undefined }, problem: LoginProblem) => {
    const next = safeNext(fields.next);
    const locale = loginLocale(req, next);
    const error = problem(siteMessages[locale].login);
    writeHtml(res, status, renderLoginPage({ csrfToken: csrfToken(req, res), next, username: fields.username ?? '', error, locale }), pageCsp);
  };
  const unreadableLogin = (req: Request, res: Response, status: number) => loginPage(req, res, status, {}, (messages) => messages.unreadable);
  const unreadableLogout = (req: Request, res: Response, status: number) => writeHtml(res, status, renderUnreadableLogoutPage(requestLocale(req, undefined)), pageCsp);

  router.get('/login', (req, res) => {
    const next = safeNext(req.query['next']);
    writeHtml(res, 200, renderLoginPage({ csrfToken: csrfToken(req, res), next, locale: loginLocale(req, next) }), pageCsp);
  });
  router.post('/login', formBody(unreadableLogin), (req, res, next) => {
    const parsed = loginForm.safeParse(req.body ?? {});
    if (!parsed.success) return unreadableLogin(req, res, 400);
    const body = parsed.data;
    const target = safeNext(body.next);
    const again = (status: number, problem: LoginProblem) => loginPage(req, res, status, { next: target, username: body.username }, problem);
    if (!verifyCsrfToken(req, body[csrfField])) return again(400, (messages) => messages.expired);
    const username = body['username'] ?? '';
    const ip = req.ip ?? 'unknown';
    const tooMany = (seconds: number) => {
      res.setHeader('Retry-After', String(seconds));
      again(429, (messages) => messages.tooManyAttempts(Math.ceil(seconds / 60)));
    };
    const record = (action: string, userId?: string) =>
      events.record({ action, at: clock.now(), ...(userId ? { userId } : {}), context: { username, ip } });
    throttle.wait(ip, username).then((waiting) => {
      if (waiting > 0) return tooMany(waiting);
      passport.authenticate('local', async (error: unknown, user: SessionUser | false) => {
        try {
          if (error) return next(error);
          if (!user) {
            await record('login_failed');
            const wait = await throttle.fail(ip, username);
            return wait > 0 ? tooMany(wait) : again(401, (messages) => messages.failed);
          }
          await throttle.succeed(username);
          await record('login', user.id);
          req.logIn(user, (loginError) => (loginError ? next(loginError) : res.redirect(303, target)));
        } catch (failure) {
          next(failure);
        }
      })(req, res, next);
    }, next);
  });
  router.get('/logout', async (req, res) => {
    const session = req.user as SessionUser | undefined;
    const user = session ? await users.find(session.id) : null;
    if (!user) return res.redirect(302, '/');
    writeHtml(res, 200, renderLogoutPage({ csrfToken: csrfToken(req, res), username: user.username, locale: requestLocale(req, undefined) }), pageCsp);
  });
  router.post('/logout', formBody(unreadableLogout), (req, res, next) => {
    const parsed = logoutForm.safeParse(req.body ?? {});
    if (!parsed.success) return unreadableLogout(req, res, 400);
    const body = parsed.data;
    if (!verifyCsrfToken(req, body[csrfField]) || body.decision !== 'allow') return res.redirect(303, '/');
    signOut(req, res).then(() => res.redirect(303, '/'), next);
  });
  return { router, passport };
}
