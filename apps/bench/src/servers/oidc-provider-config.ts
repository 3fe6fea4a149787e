import { generateKeyPairSync } from 'node:crypto';
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { apiResource, apiScope, clientId, clientSecret, redirectUri, user } from '../targets/fixtures.js';
import { MapAdapter } from './oidc-memory-adapter.js';

const day = 24 * 60 * 60;

/**
 * oidc-provider 9 set up for the work Gatehouse does in the bench: one ES256 signing key, one
 * confidential client with client_secret_basic, JWT access tokens signed with ES256 (through
 * resource indicators: client_credentials gets the API by default, the code flow asks for it),
 * refresh tokens without rotation, introspection and userinfo on, and the same lifetimes.
 */
export function benchConfiguration(): Configuration {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  return {
    adapter: MapAdapter,
    jwks: { keys: [jwk] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
        // Resource scopes (api:read) come from getResourceServerInfo, not from this list.
        scope: 'openid profile email offline_access',
      },
    ],
    cookies: { keys: ['gatehouse-bench-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    async findAccount(_ctx, id) {
      if (id !== user.username) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, name: user.name, preferred_username: user.username, email: user.email, email_verified: true }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        async defaultResource(ctx: KoaContextWithOIDC, _client, oneOf) {
          if (oneOf) return oneOf;
          return ctx.oidc.params?.['grant_type'] === 'client_credentials' ? apiResource : undefined;
        },
        // The refresh and code grants issue for the resource granted at authorization.
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, resource) {
          if (resource !== apiResource) throw new errors.InvalidTarget();
          return { scope: apiScope, audience: apiResource, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    // Like the Gatehouse bench application (refresh_token_threshold): the same refresh token every time.
    rotateRefreshToken: false,
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      IdToken: 3600,
      AuthorizationCode: 600,
      RefreshToken: 30 * day,
      Grant: 30 * day,
      Session: day,
      Interaction: 600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
}
