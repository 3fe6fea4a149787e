/** RFC 7662 introspection by the resource server, so tokens revoked before they expire are refused. */
export interface IntrospectionOptions {
  /** Credentials of a confidential application allowed to introspect the tokens (the audience's own, usually). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The introspection endpoint; `introspection_endpoint` of the issuer's metadata when omitted. */
  readonly endpoint?: string;
  /** How long an `active` answer is trusted (default 5): a revocation takes at most this long to be seen. */
  readonly cacheSeconds?: number;
}

/** What `requireToken` and `GatehouseBearerStrategy` accept. */
export interface RequireTokenOptions {
  /**
   * The `iss` of the tokens, exactly as in the issuer's metadata: `<baseUrl>/application/o/<slug>/`
   * (`<baseUrl>/` for an application with a global issuer, which also needs `jwksUri`).
   */
  readonly issuer: string;
  /**
   * Accepted `aud` values. Gatehouse sets `aud` to the client ID of the application the token was
   * issued to; set it whenever several applications share an issuer or a signing key.
   */
  readonly audience?: string | readonly string[];
  /** Scopes every request must carry, all of them. */
  readonly scopes?: readonly string[];
  /** The issuer's JWKS; `jwks_uri` of its metadata (OIDC Discovery) when omitted. */
  readonly jwksUri?: string;
  readonly introspection?: IntrospectionOptions;
  /** Leeway for `exp` and `nbf` against clock skew (default 5). */
  readonly clockToleranceSeconds?: number;
  /** The `realm` of the challenges (default `api`). */
  readonly realm?: string;
  /**
   * The shortest time between two JWKS downloads caused by a token with an unknown `kid` (default
   * 30, jose's): after a key rotation, new tokens are accepted once it has passed since the last download.
   */
  readonly jwksCooldownSeconds?: number;
}

export interface ResolvedRequireTokenOptions {
  readonly issuer: string;
  readonly audience: readonly string[] | undefined;
  readonly scopes: readonly string[];
  readonly jwksUri: string | undefined;
  readonly introspection: (Required<Omit<IntrospectionOptions, 'endpoint'>> & Pick<IntrospectionOptions, 'endpoint'>) | undefined;
  readonly clockToleranceSeconds: number;
  readonly realm: string;
  readonly jwksCooldownSeconds: number;
}

// RFC 6749 §3.3: scope tokens; they also go into a quoted-string of the challenge (RFC 6750 §3).
const scopeToken = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const quotable = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A list of scope tokens (RFC 6749 §3.3), or a `TypeError` naming the option. */
export function scopeList(value: unknown, name: string): string[] {
  const scopes: unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (!scopes.every((scope) => typeof scope === 'string' && scopeToken.test(scope))) throw new TypeError(`requireToken: ${name} must be scope tokens (RFC 6749 §3.3)`);
  return scopes as string[];
}

function url(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new TypeError(`requireToken: ${name} must be an http(s) URL`);
  }
  return value;
}

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`requireToken: ${name} must be a number of seconds, 0 or more`);
  return value;
}

/** Checks the options once, when the middleware is made: a typo fails at start, not on the first request. */
export function resolveRequireTokenOptions(options: RequireTokenOptions): ResolvedRequireTokenOptions {
  const audience = options.audience === undefined ? undefined : typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (audience?.length === 0 || audience?.some((value) => typeof value !== 'string' || value === '')) throw new TypeError('requireToken: audience must be a non-empty string or list of them');
  const scopes = scopeList(options.scopes, 'scopes');
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || !quotable.test(realm)) throw new TypeError('requireToken: realm may not contain quotes, backslashes or control characters');
  const { introspection } = options;
  if (introspection !== undefined && (typeof introspection.clientId !== 'string' || !introspection.clientId || typeof introspection.clientSecret !== 'string' || !introspection.clientSecret)) {
    throw new TypeError('requireToken: introspection needs a clientId and a clientSecret');
  }
  return {
    issuer: url(options.issuer, 'issuer'),
    audience,
    scopes,
    jwksUri: options.jwksUri === undefined ? undefined : url(options.jwksUri, 'jwksUri'),
    introspection: introspection && {
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
      ...(introspection.endpoint !== undefined ? { endpoint: url(introspection.endpoint, 'introspection.endpoint') } : {}),
      cacheSeconds: seconds(introspection.cacheSeconds, 'introspection.cacheSeconds', 5),
    },
    clockToleranceSeconds: seconds(options.clockToleranceSeconds, 'clockToleranceSeconds', 5),
    realm,
    jwksCooldownSeconds: seconds(options.jwksCooldownSeconds, 'jwksCooldownSeconds', 30),
  };
}
