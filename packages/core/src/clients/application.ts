/** How a registered redirect URI is compared with the one a client sends. */
export type RedirectUriMatchingMode = 'strict' | 'regex';

export interface RedirectUri {
  readonly matchingMode: RedirectUriMatchingMode;
  readonly url: string;
  /** `authorization` URIs receive codes and tokens; `logout` URIs are for end-session only. */
  readonly type: 'authorization' | 'logout';
}

export type ClientType = 'confidential' | 'public';
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';
export type SubMode = 'hashed_user_id' | 'user_id' | 'user_uuid' | 'user_username' | 'user_email' | 'user_upn';
export type IssuerMode = 'per_provider' | 'global';
export type ConsentMode = 'explicit' | 'implicit' | 'permanent' | 'expiring';

/**
 * A trusted issuer of JWTs that machine clients may present as `client_assertion` in the
 * client_credentials grant (authentik's federated OAuth source): a Kubernetes cluster, a CI
 * system, another identity provider.
 */
export interface FederationSource {
  readonly name: string;
  /** Where the issuer publishes its keys; fetched and cached. */
  readonly jwksUri?: string;
  /** Or the keys themselves. */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** When set, the assertion's `iss` must equal it. */
  readonly issuer?: string;
  /** When set, the assertion's `aud` must contain it. */
  readonly audience?: string;
  /** Attributes of the generated service account, by claim path: `{ namespace: 'kubernetes.io.namespace' }`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A registered client together with its provider settings (authentik's OAuth2Provider). */
export interface Application {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly clientId: string;
  readonly clientType: ClientType;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** SHA-256 (base64url) of the client secret; null for public clients. */
  readonly clientSecretDigest: string | null;
  /**
   * The client secret itself, kept only when the application signs with HS256 (no signing key):
   * it is then the HMAC key (OIDC Core §10.1). Adapters keep it encrypted at rest.
   */
  readonly hmacSecret: string | null;
  readonly redirectUris: readonly RedirectUri[];
  /** Scope names this application may receive; the default when a request names none. */
  readonly scopes: readonly string[];
  /** Name of the signing key; null means HS256 with the client secret. */
  readonly signingKey: string | null;
  readonly encryptionKey: string | null;
  readonly subMode: SubMode;
  readonly issuerMode: IssuerMode;
  readonly includeClaimsInIdToken: boolean;
  readonly consent: ConsentMode;
  readonly consentDurationSeconds: number;
  readonly accessCodeValiditySeconds: number;
  readonly accessTokenValiditySeconds: number;
  readonly refreshTokenValiditySeconds: number;
  readonly deviceCodeValiditySeconds: number;
  /** Group names whose members may use the application; empty means everyone. */
  readonly allowedGroups: readonly string[];
  /**
   * Rotate a refresh token only when it has less than this many seconds left; 0 rotates on
   * every use (authentik's `refresh_token_threshold`).
   */
  readonly refreshTokenThresholdSeconds: number;
  /** The client's public keys for `private_key_jwt` (RFC 7523), inline... */
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] } | null;
  /** ...or where to fetch them. */
  readonly jwksUri: string | null;
  /** Issuers whose JWTs machine clients may exchange for tokens of this application. */
  readonly jwtFederationSources: readonly FederationSource[];
  /** Slugs of applications of this server whose access tokens this application accepts as assertions. */
  readonly jwtFederationProviders: readonly string[];
  /**
   * Where logout tokens are POSTed when a session of this application's user ends
   * (OIDC Back-Channel Logout 1.0 §2.2 `backchannel_logout_uri`); null for no notification.
   */
  readonly backchannelLogoutUri: string | null;
}

/** The fields every application needs; the rest has authentik's defaults. */
export type ApplicationInput = Pick<Application, 'id' | 'slug' | 'name' | 'clientId'> & Partial<Application>;

/**
 * A complete application from the fields that matter, with authentik's defaults for the rest:
 * confidential, `client_secret_basic`, HS256 when no signing key, explicit consent, codes valid
 * for 60 s, access tokens for an hour, refresh tokens for 30 days.
 *
 * @example
 * const app = createApplication({
 *   id: 'app-1', slug: 'my-app', name: 'My app', clientId: 'my-app',
 *   clientSecretDigest: digestToken('my-secret'), signingKey: 'default',
 *   redirectUris: [{ matchingMode: 'strict', url: 'http://localhost:3000/callback', type: 'authorization' }],
 * });
 */
export function createApplication(input: ApplicationInput): Application {
  return {
    clientType: 'confidential',
    tokenEndpointAuthMethod: input.clientType === 'public' ? 'none' : 'client_secret_basic',
    clientSecretDigest: null,
    hmacSecret: null,
    redirectUris: [],
    scopes: ['openid', 'profile', 'email'],
    signingKey: null,
    encryptionKey: null,
    subMode: 'hashed_user_id',
    issuerMode: 'per_provider',
    includeClaimsInIdToken: true,
    consent: 'explicit',
    consentDurationSeconds: 2_419_200,
    accessCodeValiditySeconds: 60,
    accessTokenValiditySeconds: 3600,
    refreshTokenValiditySeconds: 2_592_000,
    deviceCodeValiditySeconds: 600,
    allowedGroups: [],
    refreshTokenThresholdSeconds: 0,
    jwks: null,
    jwksUri: null,
    jwtFederationSources: [],
    jwtFederationProviders: [],
    backchannelLogoutUri: null,
    ...input,
  };
}
