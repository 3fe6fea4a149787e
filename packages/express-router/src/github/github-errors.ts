/** GitHub's REST documentation, where its error bodies point. */
export const githubDocs = 'https://docs.github.com/rest';

/** GitHub's REST error body: `{ message, documentation_url, status }`. */
export const githubError = (status: number, message: string, documentationUrl: string = githubDocs) => ({
  message,
  documentation_url: documentationUrl,
  status: String(status),
});

const troubleshooting = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';

/** An error of `/login/oauth/access_token`, GitHub's way. */
export interface GithubTokenError {
  readonly error: string;
  readonly error_description: string;
  readonly error_uri: string;
}

/**
 * Maps a token-endpoint error of the core to GitHub's codes: a bad client is
 * `incorrect_client_credentials`, a code bound to another redirect URI `redirect_uri_mismatch`,
 * any other bad code `bad_verification_code`. Other errors keep their OAuth code.
 */
export function toGithubTokenError(error: string, description: string): GithubTokenError {
  const as = (code: string, anchor: string): GithubTokenError => ({ error: code, error_description: description, error_uri: `${troubleshooting}#${anchor}` });
  if (error === 'invalid_client') return as('incorrect_client_credentials', 'incorrect-client-credentials');
  // The core names the parameter first in this one invalid_grant description (grants/authorization-code.ts).
  if (error === 'invalid_grant' && description.startsWith('redirect_uri')) return as('redirect_uri_mismatch', 'redirect-uri-mismatch2');
  if (error === 'invalid_grant') return as('bad_verification_code', 'bad-verification-code');
  return { error, error_description: description, error_uri: troubleshooting };
}
