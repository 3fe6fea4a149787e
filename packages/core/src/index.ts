export { createAuthorizationServer } from './authorization-server.js';
export type { AuthorizationServer, AuthorizationServerConfig } from './authorization-server.js';
export { defaults } from './config/defaults.js';
export { resolveSettings, settingsSchema } from './config/schema.js';
export type { Settings, SettingsInput } from './config/schema.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { systemScheduler } from './scheduler.js';
export type { Scheduler } from './scheduler.js';

export { OAuthError, toOAuthError } from './errors/oauth-error.js';
export type { OAuthErrorOptions } from './errors/oauth-error.js';
export { oauthErrorStatus } from './errors/error-codes.js';
export type { OAuthErrorCode } from './errors/error-codes.js';
export { errorResponse } from './endpoint-response.js';
export type { EndpointResponse } from './endpoint-response.js';

export { createApplication } from './clients/application.js';
export type {
  Application,
  ApplicationInput,
  ClientType,
  FederationSource,
  ConsentMode,
  IssuerMode,
  RedirectUri,
  RedirectUriMatchingMode,
  SubMode,
  TokenEndpointAuthMethod,
} from './clients/application.js';
export { issuerFor } from './clients/issuer.js';
export type { User } from './users/user.js';
export { isUsable } from './users/user.js';
export { stableId } from './users/stable-id.js';
export { subjectFor } from './users/subject.js';

export { redirectLocation } from './authorize/response-modes.js';
export { isRegisteredRedirectUri } from './authorize/redirect-uri.js';
export { authorityPattern, createOriginRegistry, originOf } from './clients/registered-origins.js';
export type { OriginRegistry } from './clients/registered-origins.js';
export { claimedClientId } from './clients/claimed-client-id.js';
export type { AuthorizeInput, ConsentDecisionInput, ResumeInput } from './authorize/authorize.js';
export type { ReplyTarget, ResponseMode, SessionUser } from './authorize/authorization-request.js';
export type {
  AuthorizationOutcome,
  ConsentOutcome,
  ErrorOutcome,
  LoginOutcome,
  RedirectOutcome,
} from './authorize/authorization-outcome.js';
export type { TokenInput } from './endpoints/token.js';
export type { PublicDocumentInput } from './endpoints/discovery.js';
export type { UserinfoInput } from './endpoints/userinfo.js';
export type { RevocationInput } from './endpoints/revocation.js';
export type { IntrospectionInput } from './endpoints/introspection.js';
export { introspectionScope } from './endpoints/introspection.js';
export type { AccessTokenInspection, InspectAccessTokenInput } from './tokens/inspect-access-token.js';
export type { DeviceAuthorizationInput } from './endpoints/device-authorization.js';
export type {
  DeviceCodeRetryOutcome,
  DeviceConsentDecisionInput,
  DeviceDoneOutcome,
  DeviceLoginOutcome,
  DeviceOutcome,
  DeviceVerificationInput,
} from './device/device-outcome.js';
export type { EndSessionDecisionInput, EndSessionInput } from './endpoints/end-session.js';
export type {
  EndSessionOutcome,
  LogoutConfirmationOutcome,
  SignedOutOutcome,
  StillSignedInOutcome,
} from './logout/end-session-outcome.js';
export type { LogoutSessionInput } from './logout/logout-session.js';
export { backchannelLogoutEvent } from './logout/logout-token.js';
export { sessionSid } from './logout/session-sid.js';

export type { TokenGrantHandler, TokenRequest, TokenResponse } from './grants/token-grant-handler.js';
export type { ScopeMapping, ScopeMappingContext } from './scopes/scope-mapping.js';
export { builtInScopeMappings, reservedScopes, specialScopes } from './scopes/scope-mapping.js';
export { parseScope } from './scopes/scopes.js';
export { asymmetricAlgorithms } from './clients/client-assertion.js';
export { declarativeScopeMapping, isClaimPath } from './scopes/declarative-scope-mapping.js';
export type { Hooks, ScopePolicyContext } from './hooks.js';
export { rotateKey } from './keys/rotate-key.js';
export { revokeGrant } from './grants/revoke-grant.js';

export { createKeyRecord } from './keys/generate-key.js';
export { digestToken, randomToken } from './tokens/opaque-token.js';

export type { Stores, TransactionOptions } from './storage/stores.js';
export type { ApplicationStore } from './storage/application-store.js';
export type { UserQuery, UserStore } from './storage/user-store.js';
export type { AppPassword, AppPasswordStore } from './storage/app-password-store.js';
export type { FirstTokens, Grant, GrantQuery, GrantStore } from './storage/grant-store.js';
export type { Consent, ConsentStore } from './storage/consent-store.js';
export type { AccessTokenRecord, AccessTokenRecordStore } from './storage/access-token-record-store.js';
export type { RefreshTokenRecord, RefreshTokenStore, Rotation } from './storage/refresh-token-store.js';
export type { EncryptionAlgorithm, KeyRecord, KeyStore, SigningAlgorithm } from './storage/key-store.js';
export type { AuditEvent, EventQuery, EventSink, RecordedEvent } from './storage/event-sink.js';
export type { ScopeMappingStore, StoredScopeMapping } from './storage/scope-mapping-store.js';
export { createEventBuffer } from './storage/event-buffer.js';
export type { EventBuffer, EventBufferOptions } from './storage/event-buffer.js';
export type { CodeCache, Consumed } from './storage/code-cache.js';
export { memoryStores } from './storage/memory/memory-stores.js';
export type { MemoryStores } from './storage/memory/memory-stores.js';
export { memoryCodeCache } from './storage/memory/memory-code-cache.js';
