import { createApplication, type Application } from '@gatehouse/core';
import type { ApplicationSettings } from './application-settings.js';

/** How an application proves itself with a secret: its digest, and the secret itself only where it is an HMAC key. */
export interface ClientSecretFields {
  readonly clientSecretDigest: string | null;
  readonly hmacSecret: string | null;
}

/** The token endpoint method the settings imply: none for a public client, Basic otherwise. */
export function authMethodOf(settings: Pick<ApplicationSettings, 'client_type' | 'token_endpoint_auth_method'>): Application['tokenEndpointAuthMethod'] {
  return settings.token_endpoint_auth_method ?? (settings.client_type === 'public' ? 'none' : 'client_secret_basic');
}

/**
 * Whether the client secret must stay readable: it is the HMAC key of HS256 tokens (no signing
 * key, OIDC Core §10.1) or of client_secret_jwt assertions (RFC 7523). Elsewhere its digest does.
 */
export function secretIsHmacKey(settings: Pick<ApplicationSettings, 'client_type' | 'token_endpoint_auth_method' | 'signing_key'>): boolean {
  return settings.signing_key === null || authMethodOf(settings) === 'client_secret_jwt';
}

/** The application the settings describe, under `id`, with the given secret fields. */
export function toApplication(settings: ApplicationSettings, id: string, secret: ClientSecretFields): Application {
  return createApplication({
    id,
    slug: settings.slug,
    name: settings.name,
    clientId: settings.client_id,
    clientType: settings.client_type,
    tokenEndpointAuthMethod: authMethodOf(settings),
    clientSecretDigest: secret.clientSecretDigest,
    hmacSecret: secret.hmacSecret,
    redirectUris: settings.redirect_uris.map((uri) => ({ matchingMode: uri.matching_mode, url: uri.url, type: uri.type })),
    scopes: settings.scopes,
    signingKey: settings.signing_key,
    encryptionKey: settings.encryption_key,
    subMode: settings.sub_mode,
    issuerMode: settings.issuer_mode,
    includeClaimsInIdToken: settings.include_claims_in_id_token,
    consent: settings.consent,
    consentDurationSeconds: settings.consent_duration,
    accessCodeValiditySeconds: settings.access_code_validity,
    accessTokenValiditySeconds: settings.access_token_validity,
    refreshTokenValiditySeconds: settings.refresh_token_validity,
    deviceCodeValiditySeconds: settings.device_code_validity,
    allowedGroups: settings.allowed_groups,
    refreshTokenThresholdSeconds: settings.refresh_token_threshold,
    jwks: settings.jwks,
    jwksUri: settings.jwks_uri,
    jwtFederationSources: settings.jwt_federation_sources.map(({ jwks_uri, ...source }) => ({ ...source, ...(jwks_uri !== undefined ? { jwksUri: jwks_uri } : {}) })),
    jwtFederationProviders: settings.jwt_federation_providers,
    backchannelLogoutUri: settings.backchannel_logout_uri,
  });
}
