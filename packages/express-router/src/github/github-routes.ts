import type { FormEndpointGuard } from '../routes/form-endpoint.js';
import type { EndpointName } from '../observe/request-record.js';
import type { ApiRoute, Endpoint, RouteContext } from '../routes/route.js';
import { githubApiRoute, githubNotFoundRoute, type ApiSettings } from './github-api-route.js';
import { githubEndpoints, type ApiEndpoint } from './github-endpoints.js';
import { githubAuthorizeRoute } from './github-authorize.js';
import { githubTokenRoute } from './github-token.js';

/** Options of the GitHub-compatible routes (`oauthRouter(server, { github })`). */
export interface GithubOptions {
  /** Login of the organization every user belongs to (`/user/orgs`, teams); `gatehouse` by default. */
  readonly organization?: string;
  /** Its display name; the login by default. */
  readonly organizationName?: string;
}


/** github.com serves the API at the root, GitHub Enterprise Server under this prefix. */
const enterprisePrefix = '/api/v3';
const membershipPattern = /^\/orgs\/([^/]+)\/members\/([^/]+)$/;
const apiPaths: readonly (readonly [string, ApiEndpoint, EndpointName])[] = [
  ['/user', githubEndpoints.user, 'github_user'],
  ['/user/emails', githubEndpoints.emails, 'github_emails'],
  ['/user/teams', githubEndpoints.teams, 'github_teams'],
  ['/user/orgs', githubEndpoints.orgs, 'github_orgs'],
];

/**
 * The GitHub-compatible surface (DESIGN.md §5; behaviour spec §6): `/login/oauth/authorize`,
 * `/login/oauth/access_token`, and the user API at `/` and under `/api/v3/`, where every other
 * path is GitHub's JSON 404. Returns the routes of a path (without trailing slash), or null.
 */
export function githubRoutes(context: RouteContext, options: GithubOptions = {}, tokenGuard?: FormEndpointGuard): (path: string) => Endpoint | null {
  const baseUrl = context.server.settings.baseUrl;
  const login = options.organization ?? 'gatehouse';
  const organization = { login, name: options.organizationName ?? login };
  const settingsFor = (prefix: string): ApiSettings => ({ links: { api: `${baseUrl}${prefix}`, web: baseUrl }, organization });
  const api = (name: EndpointName, route: ApiRoute): Endpoint => ({ name, methods: { any: route }, page: false });
  const fixed = new Map<string, Endpoint>([
    ['/login/oauth/authorize', { name: 'github_authorize', methods: { GET: githubAuthorizeRoute(context) }, page: true }],
    ['/login/oauth/access_token', { name: 'github_token', methods: { POST: githubTokenRoute(context, tokenGuard) }, page: false }],
  ]);
  for (const prefix of ['', enterprisePrefix]) {
    for (const [path, endpoint, name] of apiPaths) fixed.set(`${prefix}${path}`, api(name, githubApiRoute(context, settingsFor(prefix), endpoint, path)));
  }

  return (path) => {
    const found = fixed.get(path);
    if (found) return found;
    const prefix = path === enterprisePrefix || path.startsWith(`${enterprisePrefix}/`) ? enterprisePrefix : '';
    const rest = path.slice(prefix.length);
    const membership = membershipPattern.exec(rest);
    if (membership) {
      try {
        const segments = [decodeURIComponent(membership[1]!), decodeURIComponent(membership[2]!)];
        return api('github_membership', githubApiRoute(context, settingsFor(prefix), githubEndpoints.membership, rest, segments));
      } catch {
        // A malformed escape names nobody: GitHub's JSON 404, not the host's page.
        return api('github_not_found', githubNotFoundRoute);
      }
    }
    return prefix === enterprisePrefix ? api('github_not_found', githubNotFoundRoute) : null;
  };
}
