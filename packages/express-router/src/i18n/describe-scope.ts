import { builtInScopeMappings } from '@gatehouse/core';
import type { BuiltInScope, PageMessages } from './page-messages.js';

const builtInWording: ReadonlyMap<string, string> = new Map(builtInScopeMappings.map((mapping) => [mapping.scope, mapping.description]));

/**
 * How the consent page names a scope: a built-in scope still described in the built-in (English)
 * words gets the page's language; a description someone configured (a seed's scope mapping, even
 * for a built-in scope) is shown as configured.
 */
export function describeScope(scope: { readonly scope: string; readonly description: string }, messages: PageMessages): string {
  const translated = Object.hasOwn(messages.scopes, scope.scope) ? messages.scopes[scope.scope as BuiltInScope] : undefined;
  return translated !== undefined && builtInWording.get(scope.scope) === scope.description ? translated : scope.description;
}
