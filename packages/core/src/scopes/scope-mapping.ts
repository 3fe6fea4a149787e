import type { Application } from '../clients/application.js';
import type { User } from '../users/user.js';

/** The claims a scope adds about a user, and how the consent page describes it. */
export interface ScopeMapping {
  readonly scope: string;
  readonly description: string;
  claims(user: User, context: { readonly application: Application }): Readonly<Record<string, unknown>>;
}

/** Built-in mappings, shaped like authentik's system blueprint (behaviour spec §4.1). */
export const builtInScopeMappings: readonly ScopeMapping[] = [
  { scope: 'openid', description: 'Sign you in', claims: () => ({}) },
  {
    scope: 'profile',
    description: 'Your name, username and groups',
    claims: (user) => ({
      name: user.name,
      given_name: user.name,
      preferred_username: user.username,
      nickname: user.username,
      groups: [...user.groups],
    }),
  },
  {
    scope: 'email',
    description: 'Your email address',
    claims: (user) => (user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
  },
  { scope: 'offline_access', description: 'Access while you are away', claims: () => ({}) },
];
