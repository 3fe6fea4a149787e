import type { User } from '@gatehouse/core';
import { githubId, nodeId } from './github-id.js';

/** Where the objects live: the API base (with `/api/v3` when asked there) and the web base. */
export interface GithubLinks {
  readonly api: string;
  readonly web: string;
}

/** The one organization every user of this provider belongs to. */
export interface GithubOrganization {
  readonly login: string;
  readonly name: string;
}

// Gatehouse keeps no creation dates on users; an attribute can provide them.
const unknownDate = '1970-01-01T00:00:00Z';
const enc = encodeURIComponent;

function text(user: User, name: string): string | null {
  const value = user.attributes[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function date(user: User, name: string): string {
  const value = text(user, name);
  const time = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? unknownDate : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** GitHub's integer id of a Gatehouse user. */
export const githubUserId = (user: User): number => githubId('User', user.id);

/**
 * GitHub's `private-user` (GET /user) for a Gatehouse user: every field Octokit's schema requires,
 * with profile extras (`avatar_url`, `company`, `blog`, `location`, `bio`, `twitter_username`,
 * `created_at`, `updated_at`) from the user's attributes when present. `email` only when the
 * token may read it.
 */
export function toPrivateUser(user: User, links: GithubLinks, withEmail: boolean): Record<string, unknown> {
  const id = githubUserId(user);
  const url = `${links.api}/users/${enc(user.username)}`;
  const email = withEmail ? user.email : null;
  return {
    login: user.username,
    id,
    user_view_type: 'private',
    node_id: nodeId('User', id),
    avatar_url: text(user, 'avatar_url') ?? '',
    gravatar_id: '',
    url,
    html_url: `${links.web}/${enc(user.username)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
    name: user.name === '' ? null : user.name,
    company: text(user, 'company'),
    blog: text(user, 'blog') ?? '',
    location: text(user, 'location'),
    email,
    notification_email: email,
    hireable: null,
    bio: text(user, 'bio'),
    twitter_username: text(user, 'twitter_username'),
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: date(user, 'created_at'),
    updated_at: date(user, 'updated_at'),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: user.attributes['two_factor_authentication'] === true,
    plan: { name: 'free', space: 0, collaborators: 0, private_repos: 0 },
  };
}

/** GET /user/emails: the user's address, primary, verified as Gatehouse knows it; none when it has none. */
export function toEmails(user: User): Record<string, unknown>[] {
  return user.email === null ? [] : [{ email: user.email, primary: true, verified: user.emailVerified, visibility: 'private' }];
}

/** GitHub's `organization-simple` (GET /user/orgs). */
export function toOrganization(org: GithubOrganization, links: GithubLinks): Record<string, unknown> {
  const id = githubId('Organization', org.login);
  const url = `${links.api}/orgs/${enc(org.login)}`;
  return {
    login: org.login,
    id,
    node_id: nodeId('Organization', id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: '',
    description: null,
  };
}

/** GitHub's `team-organization`, the organization inside a team. */
function toTeamOrganization(org: GithubOrganization, links: GithubLinks): Record<string, unknown> {
  return {
    ...toOrganization(org, links),
    name: org.name,
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${links.web}/${enc(org.login)}`,
    created_at: unknownDate,
    updated_at: unknownDate,
    archived_at: null,
    type: 'Organization',
  };
}

/** GitHub team slugs: lower case, runs of other characters as one dash. */
export function teamSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * GitHub's `team-full` (GET /user/teams) for one of the user's groups. Member and repository
 * counts are not computed (0): Gatehouse does not list a group's members per request.
 */
export function toTeam(group: string, org: GithubOrganization, links: GithubLinks): Record<string, unknown> {
  const id = githubId('Team', `${org.login}/${group}`);
  const url = `${links.api}/teams/${id}`;
  const slug = teamSlug(group) || String(id);
  return {
    id,
    node_id: nodeId('Team', id),
    url,
    html_url: `${links.web}/orgs/${enc(org.login)}/teams/${slug}`,
    name: group,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    members_count: 0,
    repos_count: 0,
    created_at: unknownDate,
    updated_at: unknownDate,
    organization: toTeamOrganization(org, links),
    type: 'organization',
    organization_id: githubId('Organization', org.login),
  };
}
