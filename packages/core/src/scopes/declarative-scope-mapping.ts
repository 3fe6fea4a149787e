import type { User } from '../users/user.js';
import type { ScopeMapping } from './scope-mapping.js';

// The fields a claim may come from; never the password hash.
const readableFields = new Set(['id', 'uuid', 'username', 'name', 'email', 'emailVerified', 'groups', 'attributes', 'type']);

/**
 * True when `path` names a readable field of the user, as `declarativeScopeMapping` reads it:
 * `user.<id|uuid|username|name|email|emailVerified|groups|attributes|type>`, then any member names.
 */
export function isClaimPath(path: string): boolean {
  const [root, field, ...rest] = path.split('.');
  return root === 'user' && field !== undefined && readableFields.has(field) && rest.every((segment) => segment !== '');
}

function checkPath(path: string): void {
  if (!isClaimPath(path)) throw new Error(`claim path ${path} must be user.<${[...readableFields].join('|')}>...`);
}

// A path names a field of the user: `user.username`, `user.groups`, `user.attributes.department`.
function read(user: User, path: string): unknown {
  const [, ...rest] = path.split('.');
  let value: unknown = user;
  for (const segment of rest) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * A scope mapping from a claim map, as the seed file declares it:
 * `{ roles: "user.groups", department: "user.attributes.department" }`. Claims whose path has no
 * value are left out.
 *
 * @example
 * const roles = declarativeScopeMapping('roles', 'Your groups', { roles: 'user.groups' });
 */
export function declarativeScopeMapping(scope: string, description: string, claimPaths: Readonly<Record<string, string>>): ScopeMapping {
  for (const path of Object.values(claimPaths)) checkPath(path);
  return {
    scope,
    description,
    claimNames: Object.keys(claimPaths),
    claims: (user) => {
      const claims: Record<string, unknown> = {};
      for (const [claim, path] of Object.entries(claimPaths)) {
        const value = read(user, path);
        if (value !== undefined) claims[claim] = value;
      }
      return claims;
    },
  };
}
