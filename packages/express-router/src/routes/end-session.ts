import type { Request, Response } from 'express';
import { OAuthError, toOAuthError, type EndSessionOutcome } from '@gatehouse/core';
import { csrfField, csrfToken, verifyCsrfToken } from '../csrf.js';
import { readForm, readQuery, type Params } from '../http/read-params.js';
import { writeHtml, writeRedirect } from '../http/write-response.js';
import type { Locale } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';
import { noteOutcome } from '../observe/observation.js';
import { pageCsp } from '../pages/layout.js';
import { pageStatus } from './authorize.js';
import { renderLogoutConfirmationPage } from '../pages/logout-confirmation-page.js';
import { renderErrorPage } from '../pages/error-page.js';
import { renderSignedOutPage } from '../pages/signed-out-page.js';
import type { Route, RouteContext } from './route.js';

/** `/application/o/<slug>/end-session/` and the confirmation form's target below it. */
export const endSessionPattern = /^\/application\/o\/([^/]+)\/end-session$/;
export const endSessionConfirmPattern = /^\/application\/o\/([^/]+)\/end-session\/confirm$/;

function writeErrorPage(res: Response, error: OAuthError, requestId: string, locale: Locale): void {
  noteOutcome(res, error.code);
  writeHtml(res, pageStatus(error), renderErrorPage(error, requestId, locale, 'sign-out'), pageCsp);
}

/**
 * Translates an end-session outcome: the confirmation page, or the host's logout then a redirect
 * or page, in `locale` (RP-Initiated Logout 1.0 §2: the request's `ui_locales`).
 */
async function writeOutcome(context: RouteContext, req: Request, res: Response, outcome: EndSessionOutcome, slug: string, requestId: string, locale: Locale): Promise<void> {
  switch (outcome.kind) {
    case 'error':
      if (outcome.error.status >= 500) context.options.logger?.error({ requestId, err: outcome.error.cause, detail: outcome.error.detail }, 'end-session failed');
      return writeErrorPage(res, outcome.error, requestId, locale);
    case 'confirm-logout': {
      const action = `${req.baseUrl}/application/o/${encodeURIComponent(slug)}/end-session/confirm/`;
      return writeHtml(res, 200, renderLogoutConfirmationPage(outcome, action, csrfField, csrfToken(req, res), locale), pageCsp);
    }
    case 'still-signed-in':
      return writeHtml(res, 200, renderSignedOutPage(outcome.application.name, false, locale), pageCsp);
    case 'signed-out':
      if (outcome.endSession) await context.options.endSession!(req, res);
      if (outcome.redirectTo !== null) return writeRedirect(res, outcome.redirectTo, req.method === 'POST' ? 303 : 302);
      return writeHtml(res, 200, renderSignedOutPage(outcome.application.name, true, locale), pageCsp);
  }
}

/** Reads the request's parameters; null (after writing an error page) when they are malformed or logout is not wired. */
async function readParams(context: RouteContext, req: Request, res: Response, requestId: string): Promise<Params | null> {
  if (!context.options.endSession) {
    context.options.logger?.error({ requestId }, 'end-session needs the endSession router option');
    writeErrorPage(res, new OAuthError('server_error', 'signing out is not available on this server'), requestId, requestLocale(req, undefined));
    return null;
  }
  try {
    return req.method === 'POST' ? await readForm(req) : readQuery(req);
  } catch (error) {
    writeErrorPage(res, toOAuthError(error), requestId, requestLocale(req, undefined));
    return null;
  }
}

const currentSession = async (context: RouteContext, req: Request) => (await context.options.currentUser(req)) ?? null;

/** GET/POST /application/o/<slug>/end-session/ (OIDC RP-Initiated Logout 1.0 §2: both methods). */
export function endSessionRoute(context: RouteContext, slug: string): Route {
  return async (req, res, requestId) => {
    const params = await readParams(context, req, res, requestId);
    if (!params) return;
    const outcome = await context.server.endSession({ slug, params, session: await currentSession(context, req), requestId });
    await writeOutcome(context, req, res, outcome, slug, requestId, requestLocale(req, params['ui_locales']));
  };
}

/** POST /application/o/<slug>/end-session/confirm/: the confirmation page's answer. */
export function endSessionConfirmRoute(context: RouteContext, slug: string): Route {
  return async (req, res, requestId) => {
    const params = await readParams(context, req, res, requestId);
    if (!params) return;
    const decision = params['decision'];
    const interactionId = params['interaction'];
    // The confirmation page's language, carried by its form.
    const locale = requestLocale(req, params['ui_locales']);
    if (!verifyCsrfToken(req, params[csrfField])) {
      return writeErrorPage(res, new OAuthError('invalid_request', 'the form has expired; sign out again from the application'), requestId, locale);
    }
    if ((decision !== 'allow' && decision !== 'deny') || !interactionId) {
      return writeErrorPage(res, new OAuthError('invalid_request', 'the sign-out form is incomplete'), requestId, locale);
    }
    const outcome = await context.server.confirmEndSession({ interactionId, decision, session: await currentSession(context, req), requestId });
    await writeOutcome(context, req, res, outcome, slug, requestId, locale);
  };
}
