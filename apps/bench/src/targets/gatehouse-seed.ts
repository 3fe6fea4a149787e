import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appPassword, clientId, clientSecret, redirectUri, user } from './fixtures.js';

export const applicationSlug = 'bench';

/**
 * The bench seed (DESIGN.md §6 format): one ES256 key, one confidential application with
 * implicit consent (the authorize endpoint answers with a code at once, so codes can be minted
 * over HTTP), one user with a password and an app password. Refresh tokens do not rotate while
 * more than a minute of their life is left: every refresh request can present the same token,
 * as oidc-provider's `rotateRefreshToken: false` allows on the other side.
 */
export const benchSeed = {
  users: [
    {
      username: user.username,
      password: user.password,
      name: user.name,
      email: user.email,
      email_verified: true,
      app_passwords: [{ name: 'bench', token: appPassword }],
    },
  ],
  keys: [{ name: 'bench-es256', alg: 'ES256' }],
  applications: [
    {
      slug: applicationSlug,
      name: 'Bench',
      client_id: clientId,
      client_secret: clientSecret,
      client_type: 'confidential',
      redirect_uris: [{ matching_mode: 'strict', url: redirectUri }],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      signing_key: 'bench-es256',
      consent: 'implicit',
      // Codes are minted before the run and must outlive it.
      access_code_validity: 600,
      refresh_token_threshold: 60,
    },
  ],
};

/** Writes the seed as JSON (the provider reads YAML, a superset) and returns its path. */
export async function writeBenchSeed(directory: string): Promise<string> {
  const path = join(directory, 'bench-seed.json');
  await writeFile(path, JSON.stringify(benchSeed, null, 2));
  return path;
}
