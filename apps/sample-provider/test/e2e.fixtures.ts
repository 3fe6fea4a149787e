/** The seed of the end-to-end tests: one user, three applications signing with ES256, RS256 and HS256. */
export const callback = 'http://127.0.0.1:8765/cb';
export const person = { username: 'alice', password: 'Alice-Password-42!' };

const application = (slug: string, signingKey: string | null) => ({
  slug,
  name: `Relying party ${slug}`,
  client_id: `${slug}-client`,
  client_secret: `${slug}-secret-0123456789abcdefghijklmnop`,
  redirect_uris: [{ matching_mode: 'strict', url: callback }],
  scopes: ['openid', 'profile', 'email'],
  signing_key: signingKey,
  consent: 'explicit',
});

export const seed = {
  groups: [{ name: 'engineering' }],
  users: [{ ...person, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['engineering'] }],
  keys: [
    { name: 'ec', alg: 'ES256' },
    { name: 'rsa', alg: 'RS256' },
  ],
  applications: [application('es', 'ec'), application('rs', 'rsa'), application('hs', null)],
};

export const secretOf = (slug: string): string => `${slug}-secret-0123456789abcdefghijklmnop`;
