import { authorize, completeConsent, resumeAuthorization, type AuthorizeInput, type ConsentDecisionInput, type ResumeInput } from './authorize/authorize.js';
import type { AuthorizationOutcome } from './authorize/authorization-outcome.js';
import { systemClock, type Clock } from './clock.js';
import { resolveSettings, type Settings, type SettingsInput } from './config/schema.js';
import type { EndpointResponse } from './endpoint-response.js';
import { completeDeviceConsent } from './device/complete-device-consent.js';
import type { DeviceConsentDecisionInput, DeviceOutcome, DeviceVerificationInput } from './device/device-outcome.js';
import { deviceVerification } from './device/device-verification.js';
import { deviceAuthorization, type DeviceAuthorizationInput } from './endpoints/device-authorization.js';
import { discovery, jwks, type PublicDocumentInput } from './endpoints/discovery.js';
import { createPublicDocuments } from './endpoints/public-document.js';
import { confirmEndSession, endSession, type EndSessionDecisionInput, type EndSessionInput } from './endpoints/end-session.js';
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
import { inspectAccessToken, type AccessTokenInspection, type InspectAccessTokenInput } from './tokens/inspect-access-token.js';
import { createBackchannelLogout } from './logout/backchannel-logout.js';
import type { EndSessionOutcome } from './logout/end-session-outcome.js';
import { logoutSession, type LogoutSessionInput } from './logout/logout-session.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import { createLiveScopeMappings } from './scopes/live-scope-mappings.js';
import { builtInScopeMappings, type ScopeMapping } from './scopes/scope-mapping.js';
import type { ServerContext } from './server-context.js';
import type { CodeCache } from './storage/code-cache.js';
import type { KeyRecord } from './storage/key-store.js';
import type { Stores } from './storage/stores.js';
import { withStoreCache } from './storage/cached-stores.js';
import { createEventBuffer } from './storage/event-buffer.js';
import { createOriginRegistry } from './clients/registered-origins.js';

/** Everything createAuthorizationServer needs: settings plus the services it works with. */
export interface AuthorizationServerConfig extends SettingsInput {
  readonly stores: Stores;
  readonly codes: CodeCache;
  readonly clock?: Clock;
  /**
   * Mappings added to (or replacing, by scope name) the built-in openid/profile/email/offline_access/entitlements.
   * Those in `stores.scopeMappings` come on top (except for openid and offline_access): see `reloadScopeMappings`.
   */
  readonly scopeMappings?: readonly ScopeMapping[];
  /** Extra token-endpoint grants, registered like the built-in ones. */
  readonly grants?: readonly TokenGrantHandler[];
  readonly hooks?: Hooks;
  /** Runs back-channel logout retries later; a timer by default. */
  readonly scheduler?: Scheduler;
}

/** One function per endpoint, each taking and returning plain data (no framework types). */
export interface AuthorizationServer {
  readonly settings: Settings;
  /**
   * The stores as this server reads them (through its `storeCacheSeconds` cache): a host that
   * changes applications or users in the same process (a management API) writes through these,
   * so the change is seen at once.
   */
  readonly stores: Stores;
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
  /**
   * For resource servers in the same process (GitHub-compatible API, `requireToken`): the
   * application, active user and scopes of an access token; rejects with `invalid_token`.
   */
  inspectAccessToken(input: InspectAccessTokenInput): Promise<AccessTokenInspection>;
  /** RFC 8628 device authorization at `/application/o/device/`. */
  deviceAuthorization(input: DeviceAuthorizationInput): Promise<EndpointResponse>;
  /** A user code entered on the `/device` page: login, the code, the access policy, then consent. */
  deviceVerification(input: DeviceVerificationInput): Promise<DeviceOutcome>;
  /** The consent page's answer for a device code. */
  completeDeviceConsent(input: DeviceConsentDecisionInput): Promise<DeviceOutcome>;
  discovery(input: PublicDocumentInput): Promise<EndpointResponse>;
  jwks(input: PublicDocumentInput): Promise<EndpointResponse>;
  /** Adds a new version of a named key; it signs from now on, older versions keep verifying. */
  rotateKey(name: string): Promise<KeyRecord>;
  /** Forgets the keys and published documents read so far: call after changing keys through the stores. */
  keysChanged(): void;
  /**
   * Forgets what this process derived from applications (published discovery documents, the
   * CORS origins of redirect URIs): call after changing applications through the stores.
   */
  applicationsChanged(): void;
  /**
   * Reads `stores.scopeMappings` again, and republishes discovery documents if they changed. Call
   * it once after creating the server (otherwise the first request that needs scope mappings
   * waits for them) and after changing stored mappings in this process. Changes made by other
   * processes are read in the background by the first request after `storeCacheSeconds` (at least 1).
   */
  reloadScopeMappings(): Promise<void>;
  /** OIDC RP-Initiated Logout 1.0 at `/application/o/<slug>/end-session/`. */
  endSession(input: EndSessionInput): Promise<EndSessionOutcome>;
  /** The user's answer on the logout confirmation page. */
  confirmEndSession(input: EndSessionDecisionInput): Promise<EndSessionOutcome>;
  /**
   * Ends a browser session on the server's side (its grants and tokens revoked, back-channel
   * logout queued) when the host signs a user out by itself, e.g. on its own logout page.
   */
  logoutSession(input: LogoutSessionInput): Promise<void>;
  /** Resolves once every queued back-channel logout was delivered or given up. */
  backchannelLogoutSettled(): Promise<void>;
  /**
   * CORS: true when `origin` (a browser's `Origin` header) is the origin of a registered redirect
   * URI of the application with `clientId`, or of any application without one. Answered from an
   * index cached for `originCacheSeconds`, not from the stores.
   */
  isRegisteredOrigin(origin: string, clientId?: string): Promise<boolean>;
  /** Writes the audit events still queued (`token_issued`); call it before closing the stores. */
  flushEvents(): Promise<void>;
}

/** Every recorded event also goes to `onEvent`, inside transactions too. */
function withEventHook(stores: Stores, onEvent: Hooks['onEvent']): Stores {
  if (!onEvent) return stores;
  return {
    ...stores,
    events: { record: async (event) => { await stores.events.record(event); onEvent(event); }, list: (query) => stores.events.list(query) },
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
  const { stores, codes, clock = systemClock, scopeMappings = [], grants = [], hooks = {}, scheduler = systemScheduler, ...settingsInput } = config;
  const settings = resolveSettings(settingsInput);
  const serverStores = withEventHook(withStoreCache(stores, clock, settings.storeCacheSeconds), hooks.onEvent);
  // Published documents change with keys and applications: cached as long as key lists are.
  const documents = createPublicDocuments(clock, settings.keyCacheSeconds);
  const mappings = createLiveScopeMappings({
    configured: [...builtInScopeMappings, ...scopeMappings],
    store: stores.scopeMappings,
    events: serverStores.events,
    clock,
    cacheSeconds: settings.storeCacheSeconds,
    // discovery's scopes_supported and claims_supported come from the mappings.
    onChange: () => documents.invalidate(),
  });
  const context: ServerContext = {
    settings,
    stores: serverStores,
    codes,
    keys: createKeyRing(stores.keys, clock, settings.keyCacheSeconds),
    keySets: createKeySets(),
    clock,
    scopeMappings: mappings.current,
    hooks,
    eventBuffer: createEventBuffer(stores.events, { clock, onRecorded: hooks.onEvent }),
  };
  const origins = createOriginRegistry(stores.applications, clock, settings.originCacheSeconds);
  const registry = createGrantRegistry(grants);
  const backchannel = createBackchannelLogout(context, scheduler);
  // Only the endpoints that read scope mappings; the check costs a clock read once they are loaded.
  const fresh = <T>(work: () => Promise<T>): Promise<T> => {
    const loading = mappings.ensureFresh();
    return loading ? loading.then(work) : work();
  };
  const keysChanged = () => {
    context.keys.invalidate();
    documents.invalidate();
  };
  return {
    settings,
    stores: context.stores,
    authorize: (input) => fresh(() => authorize(context, input)),
    resumeAuthorization: (input) => fresh(() => resumeAuthorization(context, input)),
    completeConsent: (input) => fresh(() => completeConsent(context, input)),
    token: (input) => fresh(() => token(context, registry, input)),
    userinfo: (input) => fresh(() => userinfo(context, input)),
    revoke: (input) => revocation(context, input),
    introspect: (input) => introspection(context, input),
    inspectAccessToken: (input) => inspectAccessToken(context, input),
    deviceAuthorization: (input) => deviceAuthorization(context, input),
    deviceVerification: (input) => fresh(() => deviceVerification(context, input)),
    completeDeviceConsent: (input) => fresh(() => completeDeviceConsent(context, input)),
    discovery: (input) => fresh(() => discovery(context, registry, documents, input)),
    jwks: (input) => jwks(context, documents, input),
    endSession: (input) => endSession(context, backchannel, input),
    confirmEndSession: (input) => confirmEndSession(context, backchannel, input),
    logoutSession: (input) => logoutSession(context, backchannel, input),
    backchannelLogoutSettled: () => backchannel.settled(),
    isRegisteredOrigin: (origin, clientId) => origins.isRegistered(origin, clientId),
    flushEvents: () => context.eventBuffer.flush(),
    async rotateKey(name) {
      const key = await rotateKey(stores.keys, name, clock);
      keysChanged();
      return key;
    },
    keysChanged,
    applicationsChanged: () => {
      documents.invalidate();
      origins.invalidate();
    },
    reloadScopeMappings: () => mappings.reload(),
  };
}
