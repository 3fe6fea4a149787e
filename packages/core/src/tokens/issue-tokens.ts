import type { JWTPayload } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import type { TokenResponse } from '../grants/token-grant-handler.js';
import { resolveClaims } from '../scopes/resolve-claims.js';
import { formatScope } from '../scopes/scopes.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenRecord } from '../storage/access-token-record-store.js';
import type { Grant } from '../storage/grant-store.js';
import type { Stores } from '../storage/stores.js';
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
  const kept: Record<string, unknown> = {};
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
  /**
   * Writes of the grant that must land together with the token records (creating the grant,
   * rotating a refresh token), run in the same transaction.
   */
  readonly alongside?: (stores: Stores) => Promise<void>;
  /** A refresh token to hand out with the tokens; its record is the caller's to write. */
  readonly refreshToken?: string;
  /**
   * Writes the records instead, given the access token's (null when none is minted): for a grant
   * recorded together with its first tokens in one step (`grants.createWithTokens`).
   */
  readonly record?: (accessToken: AccessTokenRecord | null) => Promise<void>;
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
  { application, user, grant, nonce, requestId, alongside, record: writeRecords }: IssueTokensInput,
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
  if (writeRecords) {
    await writeRecords(options.withAccessToken ? record : null);
  } else if (!alongside) {
    // A single write needs no transaction (the machine grants' hot path).
    if (options.withAccessToken) await context.stores.accessTokens.create(record);
  } else {
    // Only writes inside: a read of another store here could wait on this very transaction
    // (PGlite has a single connection).
    await context.stores.transaction(async (stores) => {
      await alongside(stores);
      if (options.withAccessToken) await stores.accessTokens.create(record);
    });
  }
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
