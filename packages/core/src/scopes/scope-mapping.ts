import type { Application } from '../clients/application.js';
import type { User } from '../users/user.js';

/** What a mapping knows besides the user. */
export interface ScopeMappingContext {
  readonly application: Application;
  /** Every scope of the token the claims are for. */
  readonly scopes: readonly string[];
}

/**
 * The claims a scope adds about a user, and how the consent page describes it. `claims` may be
 * async; a mapping that throws is skipped (and reported) without failing the response.
 */
export interface ScopeMapping {
  readonly scope: string;
  readonly description: string;
  /** The claims it can produce, for discovery's `claims_supported`. */
  readonly claimNames?: readonly string[];
  claims(user: User, context: ScopeMappingContext): Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
}

const attribute = (user: User, name: string): unknown => user.attributes[name];
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Entitlements of the user in this application: `attributes.entitlements[<slug>]`, a list of names. */
function entitlementsOf(user: User, application: Application): string[] {
  const all = attribute(user, 'entitlements');
  const mine = all !== null && typeof all === 'object' ? (all as Record<string, unknown>)[application.slug] : undefined;
  return Array.isArray(mine) ? mine.filter((name): name is string => typeof name === 'string') : [];
}

/** Built-in mappings, shaped like authentik's system blueprint (behaviour spec §4.1). */
export const builtInScopeMappings: readonly ScopeMapping[] = [
  { scope: 'openid', description: 'Sign you in', claims: () => ({}) },
  {
    scope: 'profile',
    description: 'Your name, username and groups',
    claimNames: ['name', 'given_name', 'family_name', 'preferred_username', 'nickname', 'groups'],
    claims: (user) => {
      const familyName = text(attribute(user, 'family_name'));
      return {
        name: user.name,
        // authentik sends the full name as given_name when nothing better is known.
        given_name: text(attribute(user, 'given_name')) ?? user.name,
        ...(familyName !== undefined ? { family_name: familyName } : {}),
        preferred_username: user.username,
        nickname: user.username,
        groups: [...user.groups],
      };
    },
  },
  {
    scope: 'email',
    description: 'Your email address',
    claimNames: ['email', 'email_verified'],
    claims: (user) => (user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
  },
  { scope: 'offline_access', description: 'Access while you are away', claims: () => ({}) },
  {
    scope: 'entitlements',
    description: 'Your entitlements in this application',
    claimNames: ['entitlements', 'roles'],
    claims: (user, { application }) => {
      const entitlements = entitlementsOf(user, application);
      return { entitlements, roles: entitlements };
    },
  },
];

/** Scopes that are never granted by default: only when asked for by name. */
export const specialScopes: ReadonlySet<string> = new Set(['gatehouse:api']);

/**
 * Built-in scopes that stored mappings (management API, seed file) may not replace or remove: the
 * protocol depends on them (the ID token, refresh tokens). Code may still configure its own.
 */
export const reservedScopes: ReadonlySet<string> = new Set(['openid', 'offline_access']);
