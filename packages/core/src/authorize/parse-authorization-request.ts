import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import { OAuthError, invalidRequest } from '../errors/oauth-error.js';
import { authorizationSyntax, checkParams, replyTargetSyntax } from '../params/param-syntax.js';
import { parseCodeChallenge } from '../pkce.js';
import { parseScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { AuthorizationRequest, ReplyTarget, ResponseMode, ResponseTypeWord } from './authorization-request.js';
import { resolveRedirectUri, soleRedirectUri } from './redirect-uri.js';

type Params = Readonly<Record<string, string | undefined>>;

const responseModes: ReadonlySet<string> = new Set<ResponseMode>(['query', 'fragment', 'form_post']);
// OIDC Core §3: the code flow, implicit (§3.2) and hybrid (§3.3) response types, in any word order.
const responseTypes: ReadonlySet<string> = new Set(['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);

function responseTypeWords(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(' ').filter((word) => word !== ''))].sort();
}

/**
 * Where replies go (Multiple Response Type Encoding Practices §2.1, §5): query for `code` alone,
 * fragment whenever tokens are in the response, unless form_post is asked for. Query is never
 * used for tokens, not even for the error that refuses it.
 */
function replyMode(requested: string | undefined, responseType: string | undefined): ResponseMode {
  const carriesTokens = responseTypeWords(responseType).some((word) => word === 'token' || word === 'id_token');
  if (requested === 'form_post' || requested === 'fragment') return requested;
  if (requested === 'query' && !carriesTokens) return 'query';
  return carriesTokens ? 'fragment' : 'query';
}
const knownPrompts: ReadonlySet<string> = new Set(['none', 'login', 'consent', 'select_account']);

/**
 * Step one (behaviour spec §1.1, validation order 1–2): the client and its redirect URI. Until
 * both are trusted nothing is redirected, so every error here is shown to the user instead.
 * With `defaultRedirectUri`, a request without `redirect_uri` gets the application's only one
 * (RFC 6749 §3.1.2.3); `redirectUriImplied` tells that it was left out.
 */
export async function resolveReplyTarget(
  params: Params,
  context: Pick<ServerContext, 'stores' | 'settings'>,
  options: { readonly defaultRedirectUri?: boolean } = {},
): Promise<{ readonly application: Application; readonly target: ReplyTarget; readonly redirectUriImplied: boolean }> {
  // Nothing that is echoed or looked up goes further unchecked; never redirected, like step one's other errors.
  checkParams(replyTargetSyntax, params, { redirectable: false });
  const clientId = params['client_id'];
  if (!clientId) throw invalidRequest('client_id is required', { redirectable: false });
  const found = await context.stores.applications.findByClientId(clientId);
  if (!found) throw new OAuthError('invalid_client', 'client_id is not registered', { redirectable: false });
  const implied = params['redirect_uri'] === undefined && options.defaultRedirectUri === true ? soleRedirectUri(found) : undefined;
  const redirectUri = params['redirect_uri'] ?? implied;
  const application = await resolveRedirectUri(found, redirectUri, context.stores.applications);
  return {
    application,
    redirectUriImplied: implied !== undefined,
    target: {
      redirectUri: redirectUri!,
      responseMode: replyMode(params['response_mode'], params['response_type']),
      state: params['state'],
      issuer: issuerFor(application, context.settings.baseUrl),
    },
  };
}

/** Step two: the rest of the request, once errors can be redirected to the client. */
export function parseAuthorizationRequest(
  params: Params,
  application: Application,
  target: ReplyTarget,
  settings: Pick<ServerContext['settings'], 'allowPlainPkce'>,
): AuthorizationRequest {
  checkParams(authorizationSyntax, params);
  // OIDC Core §6: request objects are not supported (discovery says so).
  if (params['request'] !== undefined) throw new OAuthError('request_not_supported', 'the request parameter is not supported');
  if (params['request_uri'] !== undefined) {
    throw new OAuthError('request_uri_not_supported', 'the request_uri parameter is not supported');
  }
  const rawResponseType = params['response_type'];
  if (!rawResponseType) throw invalidRequest('response_type is required');
  const responseType = responseTypeWords(rawResponseType);
  // A word given twice (`code code`) is not one of the registered response types.
  const repeated = rawResponseType.split(' ').filter((word) => word !== '').length !== responseType.length;
  if (repeated || !responseTypes.has(responseType.join(' '))) throw new OAuthError('unsupported_response_type', `response_type ${rawResponseType} is not supported`);
  const mode = params['response_mode'];
  if (mode !== undefined && !responseModes.has(mode)) throw invalidRequest(`response_mode ${mode} is not supported`);
  // Multiple Response Type Encoding Practices §5: tokens never travel in a query string.
  if (mode === 'query' && responseType.some((word) => word !== 'code')) {
    throw invalidRequest('response_mode query cannot carry tokens; use fragment or form_post');
  }
  // OIDC Core §3.2.2.1, §3.3.2.11: an ID token from the authorization endpoint needs a nonce.
  if (responseType.includes('id_token') && !params['nonce']) throw invalidRequest('nonce is required when an ID token is returned from the authorization endpoint');

  const prompt = parseScope(params['prompt']).filter((value) => knownPrompts.has(value));
  // OIDC Core §3.1.2.1: `none` with any other value is an error.
  if (prompt.includes('none') && prompt.length > 1) throw invalidRequest('prompt=none cannot be combined with other values');
  const maxAgeParam = params['max_age'];
  if (maxAgeParam !== undefined && !/^\d{1,10}$/.test(maxAgeParam)) throw invalidRequest('max_age must be a non-negative integer');

  // Public clients cannot keep a secret, so PKCE with S256 is what binds the code to them.
  const isPublic = application.clientType === 'public';
  const pkce = parseCodeChallenge(params, { required: isPublic && responseType.includes('code'), allowPlain: !isPublic && settings.allowPlainPkce });

  return {
    ...target,
    applicationId: application.id,
    clientId: application.clientId,
    responseType: responseType as ResponseTypeWord[],
    scopes: parseScope(params['scope']),
    nonce: params['nonce'],
    pkce,
    prompt,
    maxAge: maxAgeParam === undefined ? undefined : Number(maxAgeParam),
    loginHint: params['login_hint'],
    uiLocales: params['ui_locales'],
  };
}
