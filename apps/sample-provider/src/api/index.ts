// The management API at /api/v1 (issue 10): mounted by create-provider.ts, described by its own OpenAPI document.
export { managementApi } from './management-api.js';
export type { ManagementApiOptions } from './management-api.js';
export { apiRoutes } from './api-routes.js';
export type { ApiRoute } from './api-route.js';
export { apiScopeMapping } from './api-scope.js';
