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
}
