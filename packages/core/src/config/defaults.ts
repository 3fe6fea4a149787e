/**
 * Every default of Gatehouse, each with its reason. Durations are seconds.
 */
export const defaults = {
  /**
   * How long a user may take on the consent page before the pending authorization request is
   * forgotten. Long enough to read a consent page, short enough that a stale tab cannot be used.
   */
  interactionTtlSeconds: 600,
  /**
   * Accept `code_challenge_method=plain` from confidential clients (RFC 7636 §4.2 allows it, and
   * authentik defaults to it). Public clients always need S256 regardless of this setting.
   */
  allowPlainPkce: true,
  /**
   * Salt of `hashed_user_id` subjects (authentik's install id). Set it to a stable secret of your
   * installation: changing it changes every pairwise-looking `sub` Gatehouse has handed out.
   */
  subjectSalt: 'gatehouse',
  /**
   * The `acr` of tokens (OIDC Core §2): one authentication level for every login, like authentik's
   * fixed `goauthentik.io/providers/oauth2/default`. Advertised as `acr_values_supported`.
   */
  acr: 'urn:gatehouse:acr:default',
  /**
   * How long key lists stay cached in a process. Another process's rotation is seen within this
   * time; rotations through this server's `rotateKey` are seen at once.
   */
  keyCacheSeconds: 60,
  /**
   * How long the index of registered browser origins (the origins of every redirect URI, for
   * CORS at the token, userinfo, revocation and introspection endpoints) stays cached in a process.
   * A new or changed application's origin is accepted within this time.
   */
  originCacheSeconds: 30,
  /**
   * After a refresh token is rotated, a second refresh with the old token within this many
   * seconds gets the same successor instead of revoking the grant: concurrent requests of one
   * client (two tabs, a retry after a lost response) are not an attack (RFC 9700 §4.14.2).
   */
  refreshTokenGraceSeconds: 5,
  /**
   * How long applications and users read from the stores stay cached in a process. 0 (no cache)
   * by default, so every change is seen at once; a few seconds spares a durable store a query per
   * request, and another process's changes (a deactivated user) then take up to that long.
   * Stored scope mappings are read again after this time too (at least a second), in the
   * background: a request never waits for them after the first load.
   */
  storeCacheSeconds: 0,
  /**
   * Lifetime of back-channel logout tokens. They are delivered at once and only mean "this
   * session ended", so a short life limits replay (Back-Channel Logout 1.0 §2.4, §2.6).
   */
  logoutTokenTtlSeconds: 120,
  /**
   * Deliveries of one back-channel logout notice, the first included. Only network errors,
   * timeouts and 5xx/429 answers are retried: a 400 means the relying party refused the token
   * (Back-Channel Logout 1.0 §2.8), and sending it again changes nothing.
   */
  backchannelLogoutAttempts: 4,
  /** Delay before the first retry; each further retry waits twice as long (2, 4, 8 s by default). */
  backchannelLogoutRetrySeconds: 2,
  /** How long one delivery may take before it counts as failed; a slow relying party must not pile up requests. */
  backchannelLogoutTimeoutSeconds: 5,
} as const;
