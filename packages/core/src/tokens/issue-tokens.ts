import type { JWTPayload } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import type { TokenResponse } from '../grants/token-grant-handler.js';
import { resolveClaims } from '../scopes/resolve-claims.js';
import { formatScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';
import type { Grant } from '../storage/grant-store.js';
import type { RefreshTokenRecord } from '../storage/refresh-token-store.js';
import type { Stores, TransactionOptions } from '../storage/stores.js';
import { subjectFor } from '../users/subject.js';
import type { User } from '../users/user.js';
import { encryptJwt } from './encrypt-jwt.js';
import { randomToken } from './opaque-token.js';
import { signJwt } from './sign-jwt.js';
import { tokenHash } from './token-hash.js';

/**
 * Claims the protocol owns: a mapping may not set them (a mapping-made `amr: ["mfa"]` would
 * claim a login that never happened). authentik lets mappings override `sub` and `scope`;
 * Gatehouse does not.
 */
const protocolClaims = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'auth_time', 'acr', 'amr', 'azp', 'sid', 'jti', 'nonce', 'at_hash', 'c_hash', 'client_id', 'scope', 'cnf']);
function withoutProtocolClaims(claims: Record<string, unknown>): Record<string, unknown> {
  // No prototype: a mapping's `__proto__` claim stays a claim, as with Object.fromEntries.
  const kept: Record<string, unknown> = Object.create(null);
  for (const name in claims) if (Object.hasOwn(claims, name) && !protocolClaims.has(name)) kept[name] = claims[name];
  return kept;
}

export interface IssueTokensInput {
  readonly application: Application;
  readonly user: User;
  readonly grant: Grant;
  /** OIDC Core §3.1.3.6: the nonce of the authorization request goes into the ID token. */
  readonly nonce: string | null;
  readonly requestId: string;
  /** A refresh token to hand out with the tokens; its record is the caller's to write. */
  readonly refreshToken?: string;
  /**
   * Writes the records, given the access token's (null when none is minted), before any token is
   * signed: `recordingNewGrant` or `recordingAlongside`. By default the access token's record alone.
   */
  readonly record?: (accessToken: AccessTokenRecord | null) => Promise<void>;
}

/**
 * `record` for a grant created with its first tokens: the grant, its refresh token and the access
 * token in one step (`grants.createWithTokens`), no unit of work. `taken` is what a grant id that
 * is recorded already means to the caller.
 */
export function recordingNewGrant(stores: Stores, grant: Grant, refreshToken: RefreshTokenRecord | undefined, taken: () => Error): IssueTokensInput['record'] {
  return async (accessToken) => {
    const created = await stores.grants.createWithTokens(grant, { ...(accessToken ? { accessToken } : {}), ...(refreshToken ? { refreshToken } : {}) });
    if (!created) throw taken();
  };
}

/**
 * `record` for writes that must land together with the access token's record (rotating a refresh
 * token, adding tokens to a grant), in one unit of work. Only writes inside: a read of another
 * store there could wait on this very transaction (PGlite has a single connection).
 */
export function recordingAlongside(stores: Stores, writes: (stores: Stores) => Promise<void>, options?: TransactionOptions): IssueTokensInput['record'] {
  return (accessToken) =>
    stores.transaction(async (tx) => {
      await writes(tx);
      if (accessToken) await tx.accessTokens.create(accessToken);
    }, options);
}

/** What the authorization endpoint hands out directly (OIDC Core §3.2.2.5, §3.3.2.5). */
export interface FrontChannelTokens {
  readonly accessToken?: string;
  readonly idToken?: string;
  readonly expiresIn: number;
  readonly scope: string;
}

type Context = Pick<ServerContext, 'stores' | 'keys' | 'clock' | 'settings' | 'scopeMappings'>;

/**
 * Mints what a grant yields: the access token (an RFC 9068 JWT with a server-side record for
 * revocation) when asked for, and the ID token (OIDC Core §2) when `openid` was granted, with
 * `at_hash` and `c_hash` for what travels beside it; both become JWEs when the application has an
 * encryption key (OIDC Core §10.2). Profile claims are frozen into them only when the application
 * includes claims in tokens; userinfo always computes them anew.
 */
export async function mintTokens(
  context: Context,
  { application, user, grant, nonce, requestId, record: writeRecords }: IssueTokensInput,
  options: {
    readonly withAccessToken: boolean;
    /** False when the ID token would not be handed out (`code token` at the authorization endpoint, OIDC Core §3.3.2.5). */
    readonly withIdToken?: boolean;
    readonly code?: string;
  },
): Promise<FrontChannelTokens> {
  const now = context.clock.now();
  const [key, encryptionKey] = await Promise.all([context.keys.signingKeyFor(application), context.keys.encryptionKeyFor(application)]);
  const expiresIn = application.accessTokenValiditySeconds;
  const claims = application.includeClaimsInIdToken ? withoutProtocolClaims(await resolveClaims(context, grant.scopes, user, application, requestId)) : {};
  const standard = {
    iss: issuerFor(application, context.settings.baseUrl),
    sub: subjectFor(application, user, context.settings.subjectSalt),
    aud: application.clientId,
    iat: now,
    exp: now + expiresIn,
    auth_time: grant.authTime,
    acr: context.settings.acr,
    azp: application.clientId,
    ...(grant.amr.length > 0 ? { amr: [...grant.amr] } : {}),
    ...(grant.sid !== null ? { sid: grant.sid } : {}),
  } satisfies JWTPayload;
  const jti = randomToken(16);
  const scope = formatScope(grant.scopes);
  const seal = (jwt: string) => (encryptionKey ? encryptJwt(jwt, encryptionKey) : jwt);

  const record: AccessTokenRecord = {
    jti,
    grantId: grant.id,
    applicationId: application.id,
    userId: user.id,
    scopes: grant.scopes,
    issuedAt: now,
    expiresAt: now + expiresIn,
    revokedAt: null,
  };
  const minted = options.withAccessToken ? record : null;
  if (writeRecords) await writeRecords(minted);
  // A single write needs no transaction (the machine grants' hot path).
  else if (minted) await context.stores.accessTokens.create(minted);
  const accessToken = options.withAccessToken
    ? await seal(signJwt({ ...claims, ...standard, client_id: application.clientId, jti, scope }, key, 'at+jwt'))
    : undefined;
  const idToken = grant.scopes.includes('openid') && (options.withIdToken ?? true)
    ? await seal(signJwt({
      ...claims,
      ...standard,
      jti: randomToken(16),
      ...(accessToken !== undefined ? { at_hash: tokenHash(accessToken, key.alg) } : {}),
      ...(options.code !== undefined ? { c_hash: tokenHash(options.code, key.alg) } : {}),
      ...(nonce !== null ? { nonce } : {}),
    }, key, 'JWT'))
    : undefined;
  return { expiresIn, scope, ...(accessToken !== undefined ? { accessToken } : {}), ...(idToken !== undefined ? { idToken } : {}) };
}

/** The tokens of a token-endpoint grant: always an access token, an ID token with `openid`. */
export async function issueTokens(context: Context, input: IssueTokensInput): Promise<TokenResponse> {
  const minted = await mintTokens(context, input, { withAccessToken: true });
  return {
    accessToken: minted.accessToken!,
    tokenType: 'Bearer',
    expiresIn: minted.expiresIn,
    scope: minted.scope,
    ...(minted.idToken !== undefined ? { idToken: minted.idToken } : {}),
    ...(input.refreshToken !== undefined ? { refreshToken: input.refreshToken } : {}),
  };
}
