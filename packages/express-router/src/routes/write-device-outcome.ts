import type { Request, Response } from 'express';
import type { DeviceOutcome, OAuthError } from '@gatehouse/core';
import { csrfField, csrfToken } from '../csrf.js';
import { writeHtml, writeRedirect } from '../http/write-response.js';
import { requestLocale } from '../i18n/request-locale.js';
import { noteOutcome } from '../observe/observation.js';
import { renderConsentPage } from '../pages/consent-page.js';
import { renderDeviceCodePage, type DeviceCodeProblem } from '../pages/device-code-page.js';
import { renderDeviceResultPage } from '../pages/device-result-page.js';
import { renderErrorPage } from '../pages/error-page.js';
import { pageCsp } from '../pages/layout.js';
import type { RouteContext } from './route.js';

export const devicePath = '/device';
export const deviceConsentPath = '/device/consent';

/**
 * The code form, pre-filled and with a problem when there is one. The device pages are in the
 * language of their `ui_locales` parameter (the code form carries it), else of the browser.
 */
export function writeDeviceCodePage(req: Request, res: Response, status: number, userCode: string | undefined, uiLocales: string | undefined, problem?: DeviceCodeProblem): void {
  const locale = requestLocale(req, uiLocales);
  const html = renderDeviceCodePage({ action: `${req.baseUrl}${devicePath}/`, csrfField, csrfToken: csrfToken(req, res), userCode, problem, locale });
  writeHtml(res, status, html, pageCsp);
}

/** An error page with the error's own status (403 for a policy denial, 429 with Retry-After for guessing). */
export function writeDeviceErrorPage(res: Response, error: OAuthError, requestId: string, uiLocales?: string): void {
  noteOutcome(res, error.code);
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
  writeHtml(res, error.status, renderErrorPage(error, requestId, requestLocale(res.req, uiLocales)), pageCsp);
}

// A user code is 8 characters (RFC 8628 §6.1), typed with a dash or spaces perhaps: anything much
// longer is not one, and carried through two redirects it would swell past what clients read.
const maxCarriedUserCode = 64;

/** Sends the browser to the login page, and from there back to the device page with the code filled in. */
export function writeDeviceLoginRedirect(context: RouteContext, req: Request, res: Response, userCode: string | undefined, uiLocales: string | undefined): void {
  const carried = userCode !== undefined && userCode.length <= maxCarriedUserCode ? userCode : undefined;
  const query = new URLSearchParams({ ...(carried ? { user_code: carried } : {}), ...(uiLocales ? { ui_locales: uiLocales } : {}) });
  const next = `${req.baseUrl}${devicePath}${query.size > 0 ? `?${query}` : ''}`;
  const login = new URL(context.options.loginUrl, 'http://placeholder.invalid');
  login.searchParams.set('next', next);
  const location = /^[a-z][a-z0-9+.-]*:/i.test(context.options.loginUrl) ? login.href : `${login.pathname}${login.search}`;
  writeRedirect(res, location, req.method === 'POST' ? 303 : 302);
}

/** Translates what the device flow answered into the login hand-off or a page. */
export function writeDeviceOutcome(context: RouteContext, req: Request, res: Response, outcome: DeviceOutcome, requestId: string, uiLocales: string | undefined): void {
  switch (outcome.kind) {
    case 'login':
      return writeDeviceLoginRedirect(context, req, res, outcome.userCode, uiLocales);
    case 'retry':
      noteOutcome(res, outcome.error.code);
      return writeDeviceCodePage(req, res, 400, outcome.userCode, uiLocales, outcome.reason);
    case 'consent': {
      const html = renderConsentPage(outcome, `${req.baseUrl}${deviceConsentPath}/`, csrfField, csrfToken(req, res), requestLocale(req, uiLocales));
      return writeHtml(res, 200, html, pageCsp);
    }
    case 'error':
      if (outcome.error.status >= 500) context.options.logger?.error({ requestId, err: outcome.error.cause, detail: outcome.error.detail }, 'device verification failed');
      return writeDeviceErrorPage(res, outcome.error, requestId, uiLocales);
    case 'done': {
      const html = renderDeviceResultPage({ decision: outcome.decision, applicationName: outcome.application.name, locale: requestLocale(req, uiLocales) });
      return writeHtml(res, 200, html, pageCsp);
    }
  }
}
