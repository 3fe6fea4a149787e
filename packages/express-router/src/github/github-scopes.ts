import type { ScopeMapping } from '@gatehouse/core';

/**
 * The GitHub OAuth-app scopes the compatibility routes understand (behaviour spec §4.3). They are
 * accepted at `/login/oauth/authorize` whatever the application's own scopes are; other GitHub
 * scopes (`repo`, `gist`, ...) have nothing to grant here and are dropped like any unknown scope.
 */
export const githubScopes: readonly string[] = ['user', 'read:user', 'user:email', 'read:org'];

/**
 * Consent-page descriptions of the GitHub scopes, as scope mappings without claims: pass them to
 * `createAuthorizationServer({ scopeMappings })` (before your own, which may override them).
 *
 * @example
 * createAuthorizationServer({ baseUrl, stores, codes, scopeMappings: [...githubScopeMappings] });
 */
export const githubScopeMappings: readonly ScopeMapping[] = [
  { scope: 'user', description: 'Your profile and email addresses (GitHub-compatible API)', claims: () => ({}) },
  { scope: 'read:user', description: 'Your profile (GitHub-compatible API)', claims: () => ({}) },
  { scope: 'user:email', description: 'Your email addresses (GitHub-compatible API)', claims: () => ({}) },
  { scope: 'read:org', description: 'Your groups, as teams of the organization (GitHub-compatible API)', claims: () => ({}) },
];

/**
 * GitHub's `scope` parameter: names separated by commas or spaces (passport-github2 joins with
 * commas). GitHub's "no scope" means read access to the public profile: `read:user` here.
 */
export function githubScopeParameter(value: string | undefined): string {
  const scopes = [...new Set((value ?? '').split(/[\s,]+/).filter((scope) => scope !== ''))];
  return (scopes.length > 0 ? scopes : ['read:user']).join(' ');
}

/** Scope lists the GitHub way, in `scope` of the token response (commas, no spaces). */
export const commaScopes = (spaceSeparated: string): string => spaceSeparated.split(' ').filter((scope) => scope !== '').join(',');
