import autocannon from 'autocannon';
import { CookieJar } from '../run/cookie-jar.js';
import { callbackParams, clientId, codeChallenge, codeFlowScope, form, redirectUri, user } from './fixtures.js';

export const tokenPath = '/application/o/token/';
const authorizePath = `/application/o/authorize/?${form({
  client_id: clientId,
  redirect_uri: redirectUri,
  response_type: 'code',
  scope: codeFlowScope,
  state: 'bench',
  code_challenge: codeChallenge,
  code_challenge_method: 'S256',
})}`;

/** Signs the bench user in through the login page (CSRF cookie, form post) and returns the browser's cookies. */
export async function signIn(baseUrl: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await (await jar.fetch(`${baseUrl}/login`)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${baseUrl}/login`);
  const login = await jar.fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ username: user.username, password: user.password, csrf_token: csrf, next: '/' }),
  });
  if (login.status !== 303) throw new Error(`sign-in answered ${login.status}: ${(await login.text()).slice(0, 300)}`);
  return jar;
}

/** One code through the authorize endpoint with the signed-in session. */
export async function authorizeOnce(baseUrl: string, jar: CookieJar): Promise<string> {
  const response = await jar.fetch(baseUrl + authorizePath);
  const code = callbackParams(response.headers.get('location')).get('code');
  if (!code) throw new Error(`authorize answered ${response.status} without a code: ${response.headers.get('location') ?? (await response.text()).slice(0, 300)}`);
  return code;
}

const headerValue = (headers: Record<string, unknown>, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return String(value);
  return undefined;
};

/**
 * `count` codes through the real authorize endpoint (implicit consent: one GET, one 302 to the
 * callback each), sent by autocannon on the signed-in session so thousands take seconds.
 */
export async function mintCodes(baseUrl: string, jar: CookieJar, count: number): Promise<string[]> {
  const codes: string[] = [];
  let refused = 0;
  await autocannon({
    url: baseUrl,
    connections: Math.min(10, count),
    amount: count,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        path: authorizePath,
        headers: { cookie: jar.header() },
        onResponse: (_status, _body, _context, headers) => {
          const location = headerValue(headers as Record<string, unknown>, 'location');
          const code = location?.startsWith(redirectUri) ? new URL(location).searchParams.get('code') : null;
          if (code) codes.push(code);
          else refused += 1;
        },
      },
    ],
  });
  if (refused > 0 && codes.length === 0) throw new Error(`the authorize endpoint gave no code in ${refused} requests`);
  return codes;
}
