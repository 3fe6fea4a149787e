import { randomUUID } from 'node:crypto';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { isAuthorized } from '../authorize/access-policy.js';
import type { Application, FederationSource } from '../clients/application.js';
import { authenticateClient, readClientCredentials } from '../clients/authenticate-client.js';
import { asymmetricAlgorithms, jwtBearerAssertionType, refuseReplay } from '../clients/client-assertion.js';
import { invalidClient, invalidGrant, OAuthError } from '../errors/oauth-error.js';
import { narrowScopes, parseScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { Grant } from '../storage/grant-store.js';
import { issueTokens } from '../tokens/issue-tokens.js';
import { digestToken, matchesDigest } from '../tokens/opaque-token.js';
import { verifyAccessToken } from '../tokens/verify-access-token.js';
import { isUsable, type User } from '../users/user.js';
import { applicationServiceAccount, federatedServiceAccount } from './machine-account.js';
import type { TokenGrantHandler, TokenRequest } from './token-grant-handler.js';

/** Who the machine is, how it proved it, and the JWT it proved it with. */
interface Machine {
  readonly user: User;
  readonly method: 'jwt' | 'app_password' | 'client_secret';
  readonly jwt?: JWTPayload;
}

const denied = (why: string): OAuthError => invalidGrant('the client credentials are invalid', { detail: why });

/** `username` + app password (authentik's machine login; real passwords are never accepted here). */
async function byAppPassword(context: ServerContext, username: string, token: string | undefined): Promise<Machine> {
  if (!token) throw denied('app password missing');
  const appPassword = await context.stores.appPasswords.findByDigest(digestToken(token), context.clock.now());
  const user = appPassword ? await context.stores.users.find(appPassword.userId) : null;
  // Behaviour spec edge case 44: the token must belong to the user named.
  if (!appPassword || !user || user.username !== username || !isUsable(user, context.clock.now())) throw denied(`app password of ${username}`);
  return { user, method: 'app_password' };
}

/** A JWT signed by one of the application's federation sources (RFC 7523 §2.2 as used by authentik). */
async function bySource(context: ServerContext, application: Application, source: FederationSource, assertion: string): Promise<Machine | null> {
  const keys = source.jwks ? context.keySets.local(source.jwks) : source.jwksUri ? context.keySets.remote(source.jwksUri) : null;
  if (!keys) return null;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, keys, {
      // Asymmetric only: no `alg: none`, no HMAC keyed with a public key.
      algorithms: asymmetricAlgorithms,
      requiredClaims: ['exp'],
      ...(source.issuer !== undefined ? { issuer: source.issuer } : {}),
      ...(source.audience !== undefined ? { audience: source.audience } : {}),
      currentDate: new Date(context.clock.now() * 1000),
    }));
  } catch {
    return null;
  }
  if (!(await refuseReplay(context, `federation:${application.id}:${source.name}`, payload))) throw denied('assertion jti replayed');
  const user = await federatedServiceAccount(context, application, source, payload);
  return { user, method: 'jwt', jwt: payload };
}

/** An access token of a federated application of this server: the machine acts as its user. */
async function byProviderToken(context: ServerContext, application: Application, assertion: string): Promise<Machine | null> {
  try {
    const { application: issuer, record } = await verifyAccessToken(context, assertion);
    if (!application.jwtFederationProviders.includes(issuer.slug)) return null;
    const user = await context.stores.users.find(record.userId);
    return isUsable(user, context.clock.now()) ? { user, method: 'jwt', jwt: decodeJwt(assertion) } : null;
  } catch {
    return null;
  }
}

/** Whether an assertion names this client as its issuer or subject (read without trusting it yet). */
function namesClient(assertion: string, clientId: string): boolean {
  try {
    const { iss, sub } = decodeJwt(assertion);
    return iss === clientId || sub === clientId;
  } catch {
    return false;
  }
}

async function byAssertion(context: ServerContext, request: TokenRequest, assertion: string): Promise<Machine> {
  const application = request.application;
  // The client's own private_key_jwt / client_secret_jwt: ordinary client authentication, which
  // also refuses a method the client did not register and an assertion with iss ≠ sub
  // (invalid_client, RFC 6749 §5.2), instead of trying it as a federated JWT.
  if (namesClient(assertion, application.clientId)) {
    await authenticateClient(context, readClientCredentials(request.params, request.authorization));
    return { user: await applicationServiceAccount(context, application), method: 'client_secret' };
  }
  for (const source of application.jwtFederationSources) {
    const machine = await bySource(context, application, source, assertion);
    if (machine) return machine;
  }
  const machine = await byProviderToken(context, application, assertion);
  if (!machine) throw denied('no federation source or provider accepts the assertion');
  return machine;
}

/** `client_secret` (or Basic) holding base64(`username:app_password`) (behaviour spec §3.6 rule 4). */
async function byEncodedAppPassword(context: ServerContext, secret: string): Promise<Machine> {
  const decoded = Buffer.from(secret, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw denied('client secret is neither the application secret nor base64(username:app password)');
  return byAppPassword(context, decoded.slice(0, colon), decoded.slice(colon + 1));
}

/** The four ways in, first match wins (behaviour spec §3.6). */
async function identifyMachine(context: ServerContext, request: TokenRequest): Promise<Machine> {
  const { params, application } = request;
  const assertionType = params['client_assertion_type'];
  if (assertionType !== undefined) {
    if (assertionType !== jwtBearerAssertionType) throw denied('unsupported client_assertion_type');
    const assertion = params['client_assertion'] ?? params['client_secret'];
    if (!assertion) throw denied('empty assertion');
    return byAssertion(context, request, assertion);
  }
  if (params['username'] !== undefined) return byAppPassword(context, params['username'], params['password']);
  let credentials: ReturnType<typeof readClientCredentials> = null;
  try {
    credentials = readClientCredentials(params, request.authorization);
  } catch {
    credentials = null;
  }
  const secret = credentials?.clientSecret;
  if (secret === undefined) throw denied('no credentials');
  if (application.clientSecretDigest !== null && matchesDigest(secret, application.clientSecretDigest)) {
    // A client registered for a JWT method never authenticates with its secret (as at every other endpoint).
    if (application.tokenEndpointAuthMethod === 'client_secret_jwt' || application.tokenEndpointAuthMethod === 'private_key_jwt') {
      throw invalidClient('client authentication failed', { detail: `${credentials!.method} used by a client registered for ${application.tokenEndpointAuthMethod}` });
    }
    return { user: await applicationServiceAccount(context, application), method: 'client_secret' };
  }
  try {
    return await byEncodedAppPassword(context, secret);
  } catch (error) {
    // RFC 6749 §5.2: a client that tried Basic gets 401 invalid_client (authentik answers invalid_grant).
    if (credentials?.method === 'client_secret_basic') throw invalidClient('client authentication failed', { cause: error });
    throw error;
  }
}

/**
 * client_credentials (RFC 6749 §4.4) and, the same way, password (authentik treats them alike:
 * machines sign in with app passwords, never with a person's password). Never a refresh token.
 */
export const clientCredentialsGrant = {
  grantType: 'client_credentials',
  parameters: ['scope', 'username', 'password', 'client_assertion', 'client_assertion_type'],
  client: 'identify',
  async handle(request: TokenRequest, context: ServerContext) {
    const { application } = request;
    const machine = await identifyMachine(context, request);
    // At the token endpoint an empty scope stays empty (behaviour spec §4.2); offline_access is moot.
    const scopes = narrowScopes(parseScope(request.params['scope']), application.scopes, []).granted.filter((scope) => scope !== 'offline_access');
    const allowed = await isAuthorized(context, {
      user: machine.user,
      application,
      scopes,
      grantType: request.params['grant_type'] ?? 'client_credentials',
      codeVerifier: undefined,
      jwt: machine.jwt,
      redirectUri: undefined,
    }, request.requestId);
    if (!allowed) throw invalidGrant('the client may not use this application with these scopes');
    const now = context.clock.now();
    const grant: Grant = { id: randomUUID(), applicationId: application.id, userId: machine.user.id, scopes, authTime: now, nonce: null, amr: [], sid: null, createdAt: now, revokedAt: null };
    // Buffered like token_issued: a machine login must not cost a database write per request.
    context.eventBuffer.add({ action: 'login', at: now, applicationId: application.id, userId: machine.user.id, requestId: request.requestId, context: { method: machine.method } });
    // The grant is not stored: without refresh tokens nothing outlives its one access token, whose
    // record (keyed by grant id too) is what revocation and introspection need.
    const tokens = await issueTokens(context, { application, user: machine.user, grant, nonce: null, requestId: request.requestId });
    return { ...tokens, userId: machine.user.id };
  },
} satisfies TokenGrantHandler;

/** grant_type=password behaves exactly like client_credentials (behaviour spec edge case 41). */
export const passwordGrant = { ...clientCredentialsGrant, grantType: 'password' } satisfies TokenGrantHandler;
