import { OAuthError, toOAuthError } from '@gatehouse/core';
import { csrfField, verifyCsrfToken } from '../csrf.js';
import { readForm, readQuery, type Params } from '../http/read-params.js';
import type { Route, RouteContext } from './route.js';
import { writeDeviceCodePage, writeDeviceErrorPage, writeDeviceLoginRedirect, writeDeviceOutcome } from './write-device-outcome.js';

/** GET /device: the code form for a signed-in user; `?user_code=` (verification_uri_complete) pre-fills it. */
export function deviceFormRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = readQuery(req);
    } catch (error) {
      return writeDeviceErrorPage(res, toOAuthError(error), requestId);
    }
    const session = await context.options.currentUser(req);
    if (!session) return writeDeviceLoginRedirect(context, req, res, params['user_code'], params['ui_locales']);
    writeDeviceCodePage(req, res, 200, params['user_code'], params['ui_locales']);
  };
}

/** POST /device: the entered code (RFC 8628 §3.3), checked by the server. */
export function deviceSubmitRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = await readForm(req);
    } catch (error) {
      return writeDeviceErrorPage(res, toOAuthError(error), requestId);
    }
    // A forged submission is never looked up, so it neither counts as a guess nor reaches consent.
    if (!verifyCsrfToken(req, params[csrfField])) return writeDeviceCodePage(req, res, 400, params['user_code'], params['ui_locales'], 'formExpired');
    const session = (await context.options.currentUser(req)) ?? null;
    const outcome = await context.server.deviceVerification({ userCode: params['user_code'], session, clientIp: req.ip, requestId });
    writeDeviceOutcome(context, req, res, outcome, requestId, params['ui_locales']);
  };
}

/** POST /device/consent: the consent page's answer for a device. */
export function deviceConsentRoute(context: RouteContext): Route {
  return async (req, res, requestId) => {
    let params: Params;
    try {
      params = await readForm(req);
    } catch (error) {
      return writeDeviceErrorPage(res, toOAuthError(error), requestId);
    }
    const decision = params['decision'];
    const interactionId = params['interaction'];
    const uiLocales = params['ui_locales'];
    if (!verifyCsrfToken(req, params[csrfField])) return writeDeviceErrorPage(res, new OAuthError('invalid_request', 'The form has expired. Enter the code again.'), requestId, uiLocales);
    if ((decision !== 'allow' && decision !== 'deny') || !interactionId) {
      return writeDeviceErrorPage(res, new OAuthError('invalid_request', 'The consent form is incomplete.'), requestId, uiLocales);
    }
    const session = (await context.options.currentUser(req)) ?? null;
    writeDeviceOutcome(context, req, res, await context.server.completeDeviceConsent({ interactionId, decision, session, requestId }), requestId, uiLocales);
  };
}
