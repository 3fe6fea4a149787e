import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * Other parties' public keys (clients' `jwks_uri`, federation sources), as jose key resolvers:
 * remote sets are fetched on first use and cached, and selected by `kid` and `alg`, so a token
 * cannot pick a key of another type (no HS/RS confusion).
 */
export interface KeySets {
  remote(uri: string): JWTVerifyGetKey;
  local(jwks: { readonly keys: readonly Record<string, unknown>[] }): JWTVerifyGetKey;
}

export function createKeySets(): KeySets {
  const remote = new Map<string, JWTVerifyGetKey>();
  return {
    remote(uri) {
      let keys = remote.get(uri);
      if (!keys) {
        keys = createRemoteJWKSet(new URL(uri), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
        remote.set(uri, keys);
      }
      return keys;
    },
    local: (jwks) => createLocalJWKSet(jwks as unknown as JSONWebKeySet),
  };
}
