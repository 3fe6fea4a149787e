import type { AccessTokenInspection } from '@gatehouse/core';
import { githubDocs } from './github-errors.js';
import { paginate } from './github-pagination.js';
import { toEmails, toOrganization, toPrivateUser, toTeam, type GithubLinks, type GithubOrganization } from './github-user.js';

/** What an API endpoint answers from. */
export interface ApiCall {
  readonly inspection: AccessTokenInspection;
  readonly query: URLSearchParams;
  /** The absolute URL of the resource, without query (for `Link` headers). */
  readonly url: string;
  readonly links: GithubLinks;
  readonly organization: GithubOrganization;
  /** Decoded path segments the endpoint's pattern captured. */
  readonly segments: readonly string[];
}

export type ApiAnswer =
  | { readonly status: 200; readonly body: unknown; readonly link?: string | undefined }
  | { readonly status: 204 }
  | { readonly status: 404 };

/** A GitHub REST endpoint: the scopes any one of which lets a token call it, and its answer. */
export interface ApiEndpoint {
  readonly accepts: readonly string[];
  readonly documentationUrl: string;
  answer(call: ApiCall): ApiAnswer;
}

const list = (items: readonly unknown[], call: ApiCall): ApiAnswer => {
  const page = paginate(items, call.query, call.url);
  return { status: 200, body: page.items, link: page.link };
};

/**
 * The endpoints and their scopes. A token without one of them gets 404, as GitHub answers
 * `/user/emails` without `user:email`: it does not tell which private resources exist.
 */
export const githubEndpoints = {
  user: {
    accepts: ['read:user', 'user', 'user:email'],
    documentationUrl: `${githubDocs}/users/users#get-the-authenticated-user`,
    answer: ({ inspection, links }) => {
      const withEmail = inspection.scopes.includes('user') || inspection.scopes.includes('user:email');
      return { status: 200, body: toPrivateUser(inspection.user, links, withEmail) };
    },
  },
  emails: {
    accepts: ['user', 'user:email'],
    documentationUrl: `${githubDocs}/users/emails#list-email-addresses-for-the-authenticated-user`,
    answer: (call) => list(toEmails(call.inspection.user), call),
  },
  teams: {
    accepts: ['read:org'],
    documentationUrl: `${githubDocs}/teams/teams#list-teams-for-the-authenticated-user`,
    answer: (call) => list(call.inspection.user.groups.map((group) => toTeam(group, call.organization, call.links)), call),
  },
  orgs: {
    accepts: ['read:org', 'user'],
    documentationUrl: `${githubDocs}/orgs/orgs#list-organizations-for-the-authenticated-user`,
    answer: (call) => list([toOrganization(call.organization, call.links)], call),
  },
  // Every user of this provider belongs to the organization; the token's own user is the one
  // it can see (other users' accounts are not disclosed).
  membership: {
    accepts: ['read:org', 'user'],
    documentationUrl: `${githubDocs}/orgs/members#check-organization-membership-for-a-user`,
    answer: ({ inspection, organization, segments: [org, username] }) => {
      const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
      return { status: same(org, organization.login) && same(username, inspection.user.username) ? 204 : 404 };
    },
  },
} satisfies Record<string, ApiEndpoint>;
