import { authorize, completeConsent, resumeAuthorization, type AuthorizeInput, type ConsentDecisionInput, type ResumeInput } from './authorize/authorize.js';
import type { AuthorizationOutcome } from './authorize/authorization-outcome.js';
import { systemClock, type Clock } from './clock.js';
import { resolveSettings, type Settings, type SettingsInput } from './config/schema.js';
import type { EndpointResponse } from './endpoint-response.js';
import { discovery, jwks } from './endpoints/discovery.js';
import { introspection, type IntrospectionInput } from './endpoints/introspection.js';
import { revocation, type RevocationInput } from './endpoints/revocation.js';
import { token, type TokenInput } from './endpoints/token.js';
import { userinfo, type UserinfoInput } from './endpoints/userinfo.js';
import { createGrantRegistry } from './grants/registry.js';
import type { TokenGrantHandler } from './grants/token-grant-handler.js';
import type { Hooks } from './hooks.js';
import { createKeyRing } from './keys/key-ring.js';
import { createKeySets } from './keys/key-sets.js';
import { rotateKey } from './keys/rotate-key.js';
import { builtInScopeMappings, type ScopeMapping } from './scopes/scope-mapping.js';
import type { ServerContext } from './server-context.js';
import type { CodeCache } from './storage/code-cache.js';
import type { KeyRecord } from './storage/key-store.js';
import type { Stores } from './storage/stores.js';

/** Everything createAuthorizationServer needs: settings plus the services it works with. */
export interface AuthorizationServerConfig extends SettingsInput {
  readonly stores: Stores;
  readonly codes: CodeCache;
  readonly clock?: Clock;
  /** Mappings added to (or replacing, by scope name) the built-in openid/profile/email/offline_access/entitlements. */
  readonly scopeMappings?: readonly ScopeMapping[];
  /** Extra token-endpoint grants, registered like the built-in ones. */
  readonly grants?: readonly TokenGrantHandler[];
  readonly hooks?: Hooks;
}

/** One function per endpoint, each taking and returning plain data (no framework types). */
export interface AuthorizationServer {
  readonly settings: Settings;
  authorize(input: AuthorizeInput): Promise<AuthorizationOutcome>;
  /** Continues an authorization request after the login page. */
  resumeAuthorization(input: ResumeInput): Promise<AuthorizationOutcome>;
  completeConsent(input: ConsentDecisionInput): Promise<AuthorizationOutcome>;
  token(input: TokenInput): Promise<EndpointResponse>;
  userinfo(input: UserinfoInput): Promise<EndpointResponse>;
  /** RFC 7009 token revocation. */
  revoke(input: RevocationInput): Promise<EndpointResponse>;
  /** RFC 7662 token introspection. */
  introspect(input: IntrospectionInput): Promise<EndpointResponse>;
  discovery(input: { readonly slug: string; readonly requestId: string }): Promise<EndpointResponse>;
  jwks(input: { readonly slug: string; readonly requestId: string }): Promise<EndpointResponse>;
  /** Adds a new version of a named key; it signs from now on, older versions keep verifying. */
  rotateKey(name: string): Promise<KeyRecord>;
}

/** Every recorded event also goes to `onEvent`, inside transactions too. */
function withEventHook(stores: Stores, onEvent: Hooks['onEvent']): Stores {
  if (!onEvent) return stores;
  return {
    ...stores,
    events: { record: async (event) => { await stores.events.record(event); onEvent(event); } },
    transaction: (work, options) => stores.transaction((inner) => work(withEventHook(inner, onEvent)), options),
  };
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
  const { stores, codes, clock = systemClock, scopeMappings = [], grants = [], hooks = {}, ...settingsInput } = config;
  const settings = resolveSettings(settingsInput);
  const context: ServerContext = {
    settings,
    stores: withEventHook(stores, hooks.onEvent),
    codes,
    keys: createKeyRing(stores.keys, clock, settings.keyCacheSeconds),
    keySets: createKeySets(),
    clock,
    scopeMappings: new Map([...builtInScopeMappings, ...scopeMappings].map((mapping) => [mapping.scope, mapping])),
    hooks,
  };
  const registry = createGrantRegistry(grants);
  return {
    settings,
    authorize: (input) => authorize(context, input),
    resumeAuthorization: (input) => resumeAuthorization(context, input),
    completeConsent: (input) => completeConsent(context, input),
    token: (input) => token(context, registry, input),
    userinfo: (input) => userinfo(context, input),
    revoke: (input) => revocation(context, input),
    introspect: (input) => introspection(context, input),
    discovery: (input) => discovery(context, registry, input),
    jwks: (input) => jwks(context, input),
    async rotateKey(name) {
      const key = await rotateKey(stores.keys, name, clock);
      context.keys.invalidate();
      return key;
    },
  };
}
