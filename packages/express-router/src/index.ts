export { oauthRouter } from './oauth-router.js';
export type { OAuthRouterOptions } from './router-options.js';
export { defaultRateLimits } from './http/rate-limits.js';
export type { RateLimit, RateLimitOptions } from './http/rate-limits.js';
export { githubScopeMappings, githubScopes } from './github/github-scopes.js';
export type { GithubOptions } from './github/github-routes.js';
export { csrfField, csrfToken, verifyCsrfToken } from './csrf.js';
export { escapeHtml, pageCsp, renderPage } from './pages/layout.js';
export { writeHtml } from './http/write-response.js';
