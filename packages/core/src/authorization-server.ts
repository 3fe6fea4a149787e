import { authorize, completeConsent, type AuthorizeInput, type ConsentDecisionInput } from './authorize/authorize.js';
import type { AuthorizationOutcome } from './authorize/authorization-outcome.js';
import { systemClock, type Clock } from './clock.js';
import { resolveSettings, type Settings, type SettingsInput } from './config/schema.js';
import type { EndpointResponse } from './endpoint-response.js';
import { discovery, jwks } from './endpoints/discovery.js';
import { token, type TokenInput } from './endpoints/token.js';
import { userinfo, type UserinfoInput } from './endpoints/userinfo.js';
import { createGrantRegistry } from './grants/registry.js';
import type { TokenGrantHandler } from './grants/token-grant-handler.js';
import { createKeyRing } from './keys/key-ring.js';
import { builtInScopeMappings, type ScopeMapping } from './scopes/scope-mapping.js';
import type { ServerContext } from './server-context.js';
import type { CodeCache } from './storage/code-cache.js';
import type { Stores } from './storage/stores.js';

/** Everything createAuthorizationServer needs: settings plus the services it works with. */
export interface AuthorizationServerConfig extends SettingsInput {
  readonly stores: Stores;
  readonly codes: CodeCache;
  readonly clock?: Clock;
  /** Mappings added to (or replacing, by scope name) the built-in openid/profile/email/offline_access. */
  readonly scopeMappings?: readonly ScopeMapping[];
  /** Extra token-endpoint grants, registered like the built-in ones. */
  readonly grants?: readonly TokenGrantHandler[];
}

/** One function per endpoint, each taking and returning plain data (no framework types). */
export interface AuthorizationServer {
  readonly settings: Settings;
  authorize(input: AuthorizeInput): Promise<AuthorizationOutcome>;
  completeConsent(input: ConsentDecisionInput): Promise<AuthorizationOutcome>;
  token(input: TokenInput): Promise<EndpointResponse>;
  userinfo(input: UserinfoInput): Promise<EndpointResponse>;
  discovery(input: { readonly slug: string; readonly requestId: string }): Promise<EndpointResponse>;
  jwks(input: { readonly slug: string; readonly requestId: string }): Promise<EndpointResponse>;
}

/**
 * Creates an authorization server. The configuration is validated once, here.
 *
 * @example
 * import { createAuthorizationServer, memoryStores, memoryCodeCache } from '@gatehouse/core';
 * const server = createAuthorizationServer({
 *   baseUrl: 'https://id.example.com',
 *   stores: memoryStores(),
 *   codes: memoryCodeCache(),
 * });
 * const metadata = await server.discovery({ slug: 'demo', requestId: 'r1' });
 */
export function createAuthorizationServer(config: AuthorizationServerConfig): AuthorizationServer {
  const { stores, codes, clock = systemClock, scopeMappings = [], grants = [], ...settingsInput } = config;
  const context: ServerContext = {
    settings: resolveSettings(settingsInput),
    stores,
    codes,
    keys: createKeyRing(stores.keys),
    clock,
    scopeMappings: new Map([...builtInScopeMappings, ...scopeMappings].map((mapping) => [mapping.scope, mapping])),
  };
  const registry = createGrantRegistry(grants);
  return {
    settings: context.settings,
    authorize: (input) => authorize(context, input),
    completeConsent: (input) => completeConsent(context, input),
    token: (input) => token(context, registry, input),
    userinfo: (input) => userinfo(context, input),
    discovery: (input) => discovery(context, registry, input),
    jwks: (input) => jwks(context, input),
  };
}
