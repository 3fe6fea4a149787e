import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CodePool } from '../run/code-pool.js';
import { pinned } from '../run/cpu-affinity.js';
import { freePort, startServer, type ServerProcess } from '../run/child-processes.js';
import type { LoadRequest } from '../run/load.js';
import type { CookieJar } from '../run/cookie-jar.js';
import { basicAuth, expectField, expectTokens } from './fixtures.js';
import { authorizeOnce, mintCodes, signIn, tokenPath } from './gatehouse-flows.js';
import { applicationSlug } from './gatehouse-seed.js';
import { clientCredentialsToken, codeExchangeBody, exchangeCode } from './token-requests.js';
import type { PrepareHints, ScenarioName, Target } from './target.js';

const sampleProvider = dirname(createRequire(import.meta.url).resolve('@gatehouse/sample-provider/package.json'));
const providerMain = join(sampleProvider, 'dist/main.js');

export interface GatehouseOptions {
  readonly id: string;
  readonly label: string;
  /** Storage variables (GATEHOUSE_STORAGE, DATABASE_URL, REDIS_URL, DATA_DIR). */
  readonly env: Readonly<Record<string, string>>;
  readonly seedPath: string;
  readonly serverCpus: string | null;
  /** Worker processes (the provider's WORKERS); one when unset. */
  readonly workers?: number;
  readonly cpuProfileDir: string | null;
}

// The provider's session, signing and subject secret: fixed, so that workers of a cluster agree.
const secretKey = 'bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz';

/** The Gatehouse reference provider (apps/sample-provider, built) as its own process. */
export function gatehouse(options: GatehouseOptions): Target {
  let server: ServerProcess | null = null;
  let jar: CookieJar | null = null;
  let codeFlow: { access_token: string; refresh_token: string } | null = null;
  let machineToken = '';
  const url = () => server!.url;
  const tokenRequest = (body: string): LoadRequest => ({ method: 'POST', path: tokenPath, headers: { authorization: basicAuth }, body });

  return {
    id: options.id,
    label: options.label,
    get url() {
      return url();
    },
    async start() {
      const port = await freePort();
      // The provider creates DATA_DIR only when it generates SECRET_KEY there; PGlite needs it to exist.
      if (options.env['DATA_DIR']) await mkdir(options.env['DATA_DIR'], { recursive: true });
      const profile = options.cpuProfileDir ? [`--cpu-prof`, `--cpu-prof-dir=${join(options.cpuProfileDir, options.id)}`] : [];
      const env = {
        ...options.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SECRET_KEY: secretKey,
        GATEHOUSE_SEED: options.seedPath,
        LOG_LEVEL: 'warn',
        // oidc-provider has no rate limits; the bench measures the work, not the limiter's refusals.
        RATE_LIMITS: 'off',
        NODE_ENV: 'production',
        ...(options.workers !== undefined ? { WORKERS: String(options.workers) } : {}),
      };
      server = await startServer(options.label, pinned(options.serverCpus, [process.execPath, ...profile, providerMain]), env, {
        url: `http://127.0.0.1:${port}`,
        readyPath: '/healthz',
        timeoutMs: 120_000,
      });
    },
    async prepare(scenario: ScenarioName, hints: PrepareHints): Promise<LoadRequest | null> {
      // The refresh token and userinfo's access token come from one real code flow, done once.
      if (scenario === 'refresh' || scenario === 'userinfo' || scenario === 'code_exchange') {
        jar ??= await signIn(url());
        codeFlow ??= await exchangeCode(url(), tokenPath, await authorizeOnce(url(), jar));
      }
      switch (scenario) {
        case 'client_credentials':
          return { ...tokenRequest('grant_type=client_credentials&scope=profile'), check: expectTokens() };
        case 'code_exchange': {
          const pool = new CodePool(await mintCodes(url(), jar!, hints.requestBudget));
          return {
            ...tokenRequest(''),
            nextBody: () => codeExchangeBody(pool.take()),
            overdrawn: () => pool.overdrawn,
            check: expectTokens('id_token', 'refresh_token'),
          };
        }
        case 'refresh':
          return { ...tokenRequest(`grant_type=refresh_token&refresh_token=${encodeURIComponent(codeFlow!.refresh_token)}`), check: expectTokens('id_token') };
        case 'introspection':
          machineToken ||= await clientCredentialsToken(url(), tokenPath, { scope: 'profile' });
          return {
            method: 'POST',
            path: '/application/o/introspect/',
            headers: { authorization: basicAuth },
            body: `token=${encodeURIComponent(machineToken)}`,
            check: expectField('active', (active) => active === true),
          };
        case 'userinfo':
          return {
            method: 'GET',
            path: '/application/o/userinfo/',
            headers: { authorization: `Bearer ${codeFlow!.access_token}` },
            check: expectField('email', (email) => typeof email === 'string'),
          };
        case 'discovery':
          return { method: 'GET', path: `/application/o/${applicationSlug}/.well-known/openid-configuration` };
        case 'jwks':
          return { method: 'GET', path: `/application/o/${applicationSlug}/jwks/` };
        default:
          return null;
      }
    },
    async stop() {
      await server?.stop();
      server = null;
      jar = null;
      codeFlow = null;
      machineToken = '';
    },
  };
}
