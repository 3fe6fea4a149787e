import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant, passwordGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { TokenGrantHandler } from './token-grant-handler.js';

/** The token endpoint's dispatch table: `grant_type` → handler. */
export type GrantRegistry = ReadonlyMap<string, TokenGrantHandler>;

export const builtInGrants: readonly TokenGrantHandler[] = [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, passwordGrant, deviceCodeGrant];

/** The built-in grants plus `custom` ones; a custom grant may replace a built-in of the same type. */
export function createGrantRegistry(custom: readonly TokenGrantHandler[] = []): GrantRegistry {
  return new Map([...builtInGrants, ...custom].map((handler) => [handler.grantType, handler]));
}
