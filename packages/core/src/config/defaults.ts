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
} as const;
