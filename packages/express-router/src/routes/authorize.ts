import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { OAuthError, redirectLocation, toOAuthError, type AuthorizationOutcome } from '@gatehouse/core';
import { csrfField, csrfToken, verifyCsrfToken } from '../csrf.js';
import { readForm, readQuery, type Params } from '../http/read-params.js';
import { writeHtml, writeRedirect } from '../http/write-response.js';
import { requestLocale } from '../i18n/request-locale.js';
import { noteCaller, noteOutcome } from '../observe/observation.js';
import { renderConsentPage } from '../pages/consent-page.js';
import { renderErrorPage } from '../pages/error-page.js';
import { renderFormPostPage } from '../pages/form-post-page.js';
import { pageCsp } from '../pages/layout.js';
import type { Route, RouteContext } from './route.js';

export const authorizePath = '/application/o/authorize';
export const resumePath = '/application/o/authorize/resume';
export const consentPath = '/application/o/authorize/consent';

// Client errors are a 400 page, except those whose status tells the client what to change; an
// outage stays 503 (with Retry-After), so a person's retry and a load balancer both understand it.
const keptStatuses: ReadonlySet<number> = new Set([404, 405, 413, 429, 503]);

/** The status of an error page: 500 for the server's errors, 400 for the client's unless `keptStatuses` has it. */
export const pageStatus = (error: OAuthError): number => (keptStatuses.has(error.status) ? error.status : error.status >= 500 ? 500 : 400);

/** An error page in the language of `uiLocales` (the request's), else of the browser. */
export function writeErrorPage(res: Response, error: OAuthError, requestId: string, uiLocales?: string): void {
  noteOutcome(res, error.code);
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
  writeHtml(res, pageStatus(error), renderErrorPage(error, requestId, requestLocale(res.req, uiLocales)), pageCsp);
}

/**
 * Translates an authorization outcome into a redirect, a form_post page, the login hand-off or a
 * page. Pages are in the language of the authorization request's `ui_locales` (OIDC Core
 * §3.1.2.1), else `uiLocales` (the parameter of this request), else of the browser.
 */
export function writeOutcome(context: RouteContext, req: Request, res: Response, outcome: AuthorizationOutcome, requestId: string, uiLocales?: string): void {
  const locale = () => requestLocale(req, (outcome.kind === 'consent' || outcome.kind === 'login' ? outcome.uiLocales : undefined) ?? uiLocales);
  switch (outcome.kind) {
    case 'redirect': {
      if (outcome.parameters['error'] !== undefined) noteOutcome(res, outcome.parameters['error']);
      if (outcome.target.responseMode !== 'form_post') return writeRedirect(res, redirectLocation(outcome.target, outcome.parameters), req.method === 'POST' ? 303 : 302);
      const nonce = randomBytes(16).toString('base64');
      const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`;
      return writeHtml(res, 200, renderFormPostPage(outcome.target.redirectUri, outcome.parameters, nonce, locale()), csp);
    }
    case 'login': {
      // The request waits in its interaction; the login page sends the browser back to resume it.
      // ui_locales rides along in `next`, for the login page's language and the pages after it.
      const resume = new URLSearchParams({ interaction: outcome.interactionId, ...(outcome.uiLocales ? { ui_locales: outcome.uiLocales } : {}) });
      const resumeUrl = `${req.baseUrl}${resumePath}/?${resume}`;
      const login = new URL(context.options.loginUrl, 'http://placeholder.invalid');
      login.searchParams.set('next', resumeUrl);
      if (outcome.loginHint) login.searchParams.set('login_hint', outcome.loginHint);
      if (outcome.reauthenticate) login.searchParams.set('prompt', 'login');
      const location = /^[a-z][a-z0-9+.-]*:/i.test(context.options.loginUrl) ? login.href : `${login.pathname}${login.search}`;
      return writeRedirect(res, location, req.method === 'POST' ? 303 : 302);
    }
    case 'consent': {
      const html = renderConsentPage(outcome, `${req.baseUrl}${consentPath}/`, csrfField, csrfToken(req, res), locale());
      return writeHtml(res, 200, html, pageCsp);
    }
    case 'error':
      if (outcome.error.status >= 500) context.options.logger?.error({ requestId, err: outcome.error.cause, detail: outcome.error.detail }, 'authorization failed');
      return writeErrorPage(res, outcome.error, requestId, uiLocales);
  }
}

const currentSession = async (context: RouteContext, req: Request) => (await context.options.currentUser(req)) ?? null;

/** GET/POST /application/o/authorize/ (RFC 6749 §3.1; OIDC Core §3.1.2.1 requires both methods). */
export function authorizeRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = req.method === 'GET' ? readQuery(req) : await readForm(req);
    } catch (error) {
      return writeErrorPage(res, toOAuthError(error), requestId);
    }
    noteCaller(res, params, undefined);
    const outcome = await context.server.authorize({ params, session: await currentSession(context, req), requestId });
    writeOutcome(context, req, res, outcome, requestId, params['ui_locales']);
  };
}

/** POST /application/o/authorize/consent/: the consent page's answer. */
export function consentRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = await readForm(req);
    } catch (error) {
      return writeErrorPage(res, toOAuthError(error), requestId);
    }
    const decision = params['decision'];
    const interactionId = params['interaction'];
    // The consent page's language, carried by its form.
    const uiLocales = params['ui_locales'];
    if (!verifyCsrfToken(req, params[csrfField])) {
      return writeErrorPage(res, new OAuthError('invalid_request', 'the form has expired; start the sign-in again'), requestId, uiLocales);
    }
    if ((decision !== 'allow' && decision !== 'deny') || !interactionId) {
      return writeErrorPage(res, new OAuthError('invalid_request', 'the consent form is incomplete'), requestId, uiLocales);
    }
    const outcome = await context.server.completeConsent({ interactionId, decision, session: await currentSession(context, req), requestId });
    writeOutcome(context, req, res, outcome, requestId, uiLocales);
  };
}

/** GET /application/o/authorize/resume/?interaction=…: where the login page sends the browser back. */
export function resumeRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = readQuery(req);
    } catch (error) {
      return writeErrorPage(res, toOAuthError(error), requestId);
    }
    const interactionId = params['interaction'];
    if (!interactionId) return writeErrorPage(res, new OAuthError('invalid_request', 'interaction is required'), requestId, params['ui_locales']);
    const outcome = await context.server.resumeAuthorization({ interactionId, session: await currentSession(context, req), requestId });
    writeOutcome(context, req, res, outcome, requestId, params['ui_locales']);
  };
}
