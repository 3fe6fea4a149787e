import type { ScopeMapping } from '@gatehouse/core';

/** The scope an access token needs for the management API (authentik's `goauthentik.io/api`). */
export const apiScope = 'gatehouse:api';

/**
 * What the consent page says about `gatehouse:api`. It adds no claims; an application may ask for
 * it only when the scope is in its `scopes`, and receives it only when asked for by name.
 */
export const apiScopeMapping: ScopeMapping = {
  scope: apiScope,
  description: 'Manage this Gatehouse server with your administrator rights',
  claims: () => ({}),
};
