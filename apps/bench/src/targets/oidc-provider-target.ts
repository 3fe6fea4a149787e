import { fileURLToPath } from 'node:url';
import { CodePool } from '../run/code-pool.js';
import { CookieJar } from '../run/cookie-jar.js';
import { pinned } from '../run/cpu-affinity.js';
import { freePort, startServer, type ServerProcess } from '../run/child-processes.js';
import type { LoadRequest } from '../run/load.js';
import { apiResource, apiScope, basicAuth, callbackParams, expectField, expectTokens, clientId, codeChallenge, codeFlowScope, form, redirectUri } from './fixtures.js';
import { codeExchangeBody, exchangeCode } from './token-requests.js';
import type { PrepareHints, ScenarioName, Target } from './target.js';

const entry = fileURLToPath(new URL('../servers/oidc-provider-server.js', import.meta.url));
const tokenPath = '/token';

/**
 * The real authorize flow with a browser's cookies: authorize, the interaction (which the bench
 * server finishes by itself), back to authorize, until the redirect to the callback.
 */
async function authorize(baseUrl: string, jar: CookieJar, params: Readonly<Record<string, string>>): Promise<string> {
  let location = `/auth?${form({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', code_challenge: codeChallenge, code_challenge_method: 'S256', state: 'bench', ...params })}`;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await jar.fetch(new URL(location, baseUrl).href);
    await response.arrayBuffer();
    const next = response.headers.get('location');
    if (!next) throw new Error(`oidc-provider authorize flow stopped at ${location} with ${response.status}`);
    if (next.startsWith(redirectUri)) {
      const code = callbackParams(next).get('code');
      if (!code) throw new Error(`oidc-provider redirected without a code: ${next}`);
      return code;
    }
    location = next;
  }
  throw new Error('oidc-provider authorize flow did not end in 10 redirects');
}

/** oidc-provider 9 (npm), in memory, as its own process (servers/oidc-provider-server.ts). */
export function oidcProvider(serverCpus: string | null): Target {
  let server: ServerProcess | null = null;
  let jar: CookieJar | null = null;
  /** A real code with the API resource: what the clone endpoint copies. */
  let templateCode = '';
  /** From a code flow for the API (JWT access token): refresh presents its refresh token. */
  let apiRefreshToken = '';
  /** From a code flow without a resource: oidc-provider's userinfo takes only such (opaque) tokens. */
  let userinfoToken = '';
  const url = () => server!.url;
  const tokenRequest = (body: string): LoadRequest => ({ method: 'POST', path: tokenPath, headers: { authorization: basicAuth }, body });

  async function setUpCodeFlows(): Promise<void> {
    const browser = new CookieJar();
    // OIDC Core §11: offline_access needs prompt=consent, or oidc-provider drops it.
    const api = { scope: `${codeFlowScope} ${apiScope}`, resource: apiResource, prompt: 'consent' };
    templateCode = await authorize(url(), browser, api);
    apiRefreshToken = (await exchangeCode(url(), tokenPath, await authorize(url(), browser, api))).refresh_token;
    const opaque = await authorize(url(), browser, { scope: codeFlowScope, prompt: 'consent' });
    userinfoToken = (await exchangeCode(url(), tokenPath, opaque)).access_token;
    jar = browser;
  }

  return {
    id: 'oidc-provider',
    label: 'oidc-provider 9 (memory)',
    get url() {
      return url();
    },
    async start() {
      const port = await freePort();
      server = await startServer('oidc-provider', pinned(serverCpus, [process.execPath, entry]), { PORT: String(port), NODE_ENV: 'production' }, {
        url: `http://127.0.0.1:${port}`,
        readyPath: '/.well-known/openid-configuration',
      });
    },
    async prepare(scenario: ScenarioName, hints: PrepareHints): Promise<LoadRequest | null> {
      if (scenario !== 'client_credentials' && scenario !== 'discovery' && scenario !== 'jwks' && !jar) await setUpCodeFlows();
      switch (scenario) {
        case 'client_credentials':
          return { ...tokenRequest(`grant_type=client_credentials&scope=${encodeURIComponent(apiScope)}`), check: expectTokens() };
        case 'code_exchange': {
          const response = await fetch(`${url()}/__bench/clone-codes?${form({ code: templateCode, count: String(hints.requestBudget) })}`, { method: 'POST' });
          if (!response.ok) throw new Error(`cloning codes answered ${response.status}: ${await response.text()}`);
          const pool = new CodePool((await response.json()) as string[]);
          return {
            ...tokenRequest(''),
            nextBody: () => codeExchangeBody(pool.take()),
            overdrawn: () => pool.overdrawn,
            check: expectTokens('id_token', 'refresh_token'),
          };
        }
        case 'refresh':
          return { ...tokenRequest(`grant_type=refresh_token&refresh_token=${encodeURIComponent(apiRefreshToken)}`), check: expectTokens('id_token') };
        case 'introspection':
          // oidc-provider refuses to introspect JWT access tokens: it introspects an opaque one.
          return {
            method: 'POST',
            path: '/token/introspection',
            headers: { authorization: basicAuth },
            body: `token=${encodeURIComponent(userinfoToken)}`,
            check: expectField('active', (active) => active === true),
          };
        case 'userinfo':
          return {
            method: 'GET',
            path: '/me',
            headers: { authorization: `Bearer ${userinfoToken}` },
            check: expectField('email', (email) => typeof email === 'string'),
          };
        case 'discovery':
          return { method: 'GET', path: '/.well-known/openid-configuration' };
        case 'jwks':
          return { method: 'GET', path: '/jwks' };
        default:
          return null;
      }
    },
    async stop() {
      await server?.stop();
      server = null;
      jar = null;
    },
  };
}
