import type { Application } from '@gatehouse/core';
import type { ApplicationSettings } from './application-settings.js';

/**
 * An application as people read it: its id and its settings in the seed file's shape (so the JSON
 * of `gatehouse app show --json` can go into a seed file), never its secret.
 */
export type ApplicationView = { readonly id: string; readonly has_client_secret: boolean } & Omit<ApplicationSettings, 'client_secret'>;

/** The view of a stored application; see {@link ApplicationView}. */
export function applicationView(application: Application): ApplicationView {
  return {
    id: application.id,
    slug: application.slug,
    name: application.name,
    client_id: application.clientId,
    client_type: application.clientType,
    has_client_secret: application.clientSecretDigest !== null,
    token_endpoint_auth_method: application.tokenEndpointAuthMethod,
    redirect_uris: application.redirectUris.map((uri) => ({ matching_mode: uri.matchingMode, url: uri.url, type: uri.type })),
    scopes: [...application.scopes],
    signing_key: application.signingKey,
    encryption_key: application.encryptionKey,
    sub_mode: application.subMode,
    issuer_mode: application.issuerMode,
    include_claims_in_id_token: application.includeClaimsInIdToken,
    consent: application.consent,
    consent_duration: application.consentDurationSeconds,
    access_code_validity: application.accessCodeValiditySeconds,
    device_code_validity: application.deviceCodeValiditySeconds,
    access_token_validity: application.accessTokenValiditySeconds,
    refresh_token_validity: application.refreshTokenValiditySeconds,
    allowed_groups: [...application.allowedGroups],
    refresh_token_threshold: application.refreshTokenThresholdSeconds,
    jwks: application.jwks ? { keys: application.jwks.keys.map((key) => ({ ...key })) } : null,
    jwks_uri: application.jwksUri,
    jwt_federation_sources: application.jwtFederationSources.map(({ jwksUri, jwks, attributes, ...source }) => ({
      ...source,
      attributes: { ...attributes },
      ...(jwksUri !== undefined ? { jwks_uri: jwksUri } : {}),
      ...(jwks !== undefined ? { jwks: { keys: jwks.keys.map((key) => ({ ...key })) } } : {}),
    })),
    jwt_federation_providers: [...application.jwtFederationProviders],
    backchannel_logout_uri: application.backchannelLogoutUri,
  };
}
