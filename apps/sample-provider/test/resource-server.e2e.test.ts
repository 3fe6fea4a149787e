// Issue 10, resource-server kit end to end: the README's example API (example-resource-server.ts)
// and the gatehouse-bearer passport strategy, in front of the reference provider. They accept
// tokens from client_credentials and from a user's code flow, and refuse expired, revoked,
// wrong-audience, insufficient-scope and tampered tokens; after a key rotation, a token with the
// new kid makes the API download the JWKS again.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Passport } from 'passport';
import { GatehouseBearerStrategy, requireToken, type BearerAuth } from '@gatehouse/express-router';
import { notesApi } from './example-resource-server.js';
import { protectedHeader, tamper, unverifiedClaims } from './jose-checks.js';
import { clientFor, codeFlow, secretOf, seedApplication } from './oidc-flow.js';
import { startProvider, type RunningProvider } from './provider-harness.js';

const alice = { username: 'alice', password: 'Alice-Password-42!' };
const notesScopes = ['notes:read', 'notes:write'];
const seed = {
  users: [{ ...alice, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true }],
  keys: [{ name: 'ec', alg: 'ES256' }],
  scope_mappings: [
    { scope: 'notes:read', description: 'Read your notes', claims: {} },
    { scope: 'notes:write', description: 'Write your notes', claims: {} },
  ],
  applications: [
    seedApplication('notes', { signing_key: 'ec', scopes: ['openid', 'profile', ...notesScopes] }),
    seedApplication('other', { signing_key: 'ec', scopes: ['openid', ...notesScopes] }),
    // One issuer (`<baseUrl>/`) and one key for both: only `aud` tells their tokens apart.
    seedApplication('notes-global', { signing_key: 'ec', issuer_mode: 'global', scopes: notesScopes }),
    seedApplication('other-global', { signing_key: 'ec', issuer_mode: 'global', scopes: notesScopes }),
  ],
};

/** The provider's clock, moved back to mint tokens that have already expired. */
const clock = { offsetSeconds: 0, now: () => Math.floor(Date.now() / 1000) + clock.offsetSeconds };

interface Listening {
  readonly url: string;
  close(): Promise<void>;
}
async function serve(app: express.Express): Promise<Listening> {
  const server: Server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

let provider: RunningProvider;
let api: Listening;
beforeAll(async () => {
  provider = await startProvider(seed, {}, { clock });
  api = await serve(notesApi({ issuer: `${provider.publicUrl}/application/o/notes/`, clientId: 'notes-client', clientSecret: secretOf('notes') }));
});
afterAll(async () => {
  await api.close();
  await provider.close();
});

const basic = (slug: string) => `Basic ${Buffer.from(`${slug}-client:${secretOf(slug)}`).toString('base64')}`;

async function postToProvider(path: string, slug: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${provider.baseUrl}${path}`, { method: 'POST', headers: { authorization: basic(slug) }, body: new URLSearchParams(form) });
}

/** An access token of `slug`'s service account (client_credentials with the client secret). */
async function machineToken(slug: string, scope: string): Promise<string> {
  const res = await postToProvider('/application/o/token/', slug, { grant_type: 'client_credentials', scope });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; scope: string };
  expect(body.scope).toBe(scope);
  return body.access_token;
}

const call = (base: string, path: string, token?: string, method = 'GET') =>
  fetch(`${base}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

async function outcome(res: Response) {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // passport answers failures in plain text
  }
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body };
}

const refused = (description: string) => ({
  status: 401,
  challenge: `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  body: { error: 'invalid_token', error_description: description },
});

describe('the example API of the README', () => {
  it('is the one the root README quotes', () => {
    const example = readFileSync(fileURLToPath(new URL('example-resource-server.ts', import.meta.url)), 'utf8');
    const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example.slice(example.indexOf('import express'))}\`\`\``);
  });

  it('accepts a client_credentials token with the scope the route needs', async () => {
    const token = await machineToken('notes', 'notes:read notes:write');
    const res = await call(api.url, '/notes', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ owner: unverifiedClaims(token).sub, client: 'notes-client', notes: [] });
    expect((await call(api.url, '/notes', token, 'POST')).status).toBe(201);
  });

  it('accepts the access token of a person’s code flow, speaking for that person', async () => {
    const { tokens } = await codeFlow(await clientFor(provider.publicUrl, 'notes'), alice, 'openid notes:read');
    const res = await call(api.url, '/notes', tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ owner: tokens.claims()!.sub, client: 'notes-client', notes: [] });
  });

  it('refuses a request without a token with a bare challenge', async () => {
    expect(await outcome(await call(api.url, '/notes'))).toEqual({
      status: 401, challenge: 'Bearer realm="api"', body: { error: 'invalid_token', error_description: 'an access token is required' },
    });
  });

  it('refuses a token without the scope of the route: 403 insufficient_scope', async () => {
    const token = await machineToken('notes', 'notes:read');
    expect(await outcome(await call(api.url, '/notes', token, 'POST'))).toEqual({
      status: 403,
      challenge: 'Bearer realm="api", error="insufficient_scope", error_description="the access token lacks a scope this resource requires", scope="notes:write"',
      body: { error: 'insufficient_scope', error_description: 'the access token lacks a scope this resource requires' },
    });
  });

  it('refuses an expired token', async () => {
    clock.offsetSeconds = -2 * 3600;
    let token: string;
    try {
      token = await machineToken('notes', 'notes:read');
    } finally {
      clock.offsetSeconds = 0;
    }
    expect(unverifiedClaims(token).exp as number).toBeLessThan(Date.now() / 1000 - 3000);
    expect(await outcome(await call(api.url, '/notes', token))).toEqual(refused('the access token has expired'));
  });

  it('refuses a token revoked at the provider (RFC 7009), through introspection', async () => {
    const token = await machineToken('notes', 'notes:read');
    const revocation = await postToProvider('/application/o/revoke/', 'notes', { token, token_type_hint: 'access_token' });
    expect(revocation.status).toBe(200);
    expect(await outcome(await call(api.url, '/notes', token))).toEqual(refused('the access token has been revoked or is no longer active'));
  });

  it('refuses the token of another application (another issuer and audience)', async () => {
    expect(await outcome(await call(api.url, '/notes', await machineToken('other', 'notes:read')))).toEqual(refused('the access token comes from another issuer'));
  });

  it('refuses a token with a changed signature, or whose scope was widened after signing', async () => {
    const token = await machineToken('notes', 'notes:read');
    expect(await outcome(await call(api.url, '/notes', tamper(token)))).toEqual(refused('the signature of the access token is invalid'));
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'notes:read notes:write' })).toString('base64url');
    expect(await outcome(await call(api.url, '/notes', `${header}.${widened}.${signature}`, 'POST'))).toEqual(refused('the signature of the access token is invalid'));
  });
});

describe('applications sharing the global issuer and a key', () => {
  let global: Listening;
  beforeAll(async () => {
    const app = express();
    app.get('/notes', requireToken({
      issuer: `${provider.publicUrl}/`,
      jwksUri: `${provider.publicUrl}/application/o/notes-global/jwks/`,
      audience: 'notes-global-client',
      scopes: ['notes:read'],
    }), (req, res) => void res.json({ client: req.auth!.clientId }));
    global = await serve(app);
  });
  afterAll(() => global.close());

  it('accepts the audience’s token and refuses one of the other application, signed by the same key', async () => {
    const own = await machineToken('notes-global', 'notes:read');
    const foreign = await machineToken('other-global', 'notes:read');
    expect([unverifiedClaims(own).iss, unverifiedClaims(foreign).iss]).toEqual([`${provider.publicUrl}/`, `${provider.publicUrl}/`]);
    expect(protectedHeader(own).kid).toBe(protectedHeader(foreign).kid);
    expect(await outcome(await call(global.url, '/notes', own))).toEqual({ status: 200, challenge: null, body: { client: 'notes-global-client' } });
    expect(await outcome(await call(global.url, '/notes', foreign))).toEqual(refused('the access token is meant for another audience'));
  });
});

describe('the gatehouse-bearer passport strategy', () => {
  let strategyApi: Listening;
  beforeAll(async () => {
    const passport = new Passport();
    passport.use(new GatehouseBearerStrategy({ issuer: `${provider.publicUrl}/application/o/notes/`, audience: 'notes-client' }));
    const app = express();
    app.use(passport.initialize());
    app.get('/notes', passport.authenticate('gatehouse-bearer', { session: false, scope: 'notes:read' }), (req, res) => {
      const user = req.user as BearerAuth;
      res.json({ owner: user.subject, sameAsAuth: req.auth === user, scopes: user.scopes });
    });
    // Nothing listens at port 9: the issuer cannot be reached.
    passport.use('gatehouse-unreachable', new GatehouseBearerStrategy({ issuer: 'http://127.0.0.1:9/application/o/notes/' }));
    app.get('/unreachable', passport.authenticate('gatehouse-unreachable', { session: false }), (_req, res) => void res.json({}));
    strategyApi = await serve(app);
  });
  afterAll(() => strategyApi.close());

  it('sets req.user (and req.auth) to the verified token', async () => {
    const token = await machineToken('notes', 'notes:read notes:write');
    expect(await outcome(await call(strategyApi.url, '/notes', token))).toEqual({
      status: 200, challenge: null, body: { owner: unverifiedClaims(token).sub, sameAsAuth: true, scopes: ['notes:read', 'notes:write'] },
    });
  });

  it('answers failures with the challenges of requireToken', async () => {
    expect(await outcome(await call(strategyApi.url, '/notes'))).toMatchObject({ status: 401, challenge: 'Bearer realm="api"' });
    expect(await outcome(await call(strategyApi.url, '/notes', 'not-a-jwt'))).toMatchObject({ status: 401, challenge: refused('the access token is malformed').challenge });
    expect(await outcome(await call(strategyApi.url, '/notes', await machineToken('other', 'notes:read')))).toMatchObject({
      status: 401, challenge: refused('the access token comes from another issuer').challenge,
    });
    expect(await outcome(await call(strategyApi.url, '/notes', await machineToken('notes', 'notes:write')))).toMatchObject({
      status: 403,
      challenge: 'Bearer realm="api", error="insufficient_scope", error_description="the access token lacks a scope this resource requires", scope="notes:read"',
    });
  });

  it('answers 503, not 500, when the issuer cannot be reached', async () => {
    expect(await outcome(await call(strategyApi.url, '/unreachable', await machineToken('notes', 'notes:read')))).toEqual({
      status: 503, challenge: null, body: 'Service Unavailable',
    });
  });
});

describe('key rotation at the provider', () => {
  it('makes the API download the JWKS again for the new kid; tokens of the old key keep working', async () => {
    const issuer = `${provider.publicUrl}/application/o/notes/`;
    const app = express();
    // No cooldown: the first download happened a moment ago (jose waits 30 seconds by default).
    app.get('/notes', requireToken({ issuer, audience: 'notes-client', jwksCooldownSeconds: 0 }), (req, res) => void res.json({ kid: protectedHeader(req.auth!.token).kid }));
    const rotating = await serve(app);
    try {
      const before = await machineToken('notes', 'notes:read');
      const oldKid = protectedHeader(before).kid;
      expect((await call(rotating.url, '/notes', before)).status).toBe(200);

      const { kid: newKid } = await provider.server.rotateKey('ec');
      const after = await machineToken('notes', 'notes:read');
      expect(protectedHeader(after).kid).toBe(newKid);
      expect(newKid).not.toBe(oldKid);
      expect(await outcome(await call(rotating.url, '/notes', after))).toEqual({ status: 200, challenge: null, body: { kid: newKid } });
      expect(await outcome(await call(rotating.url, '/notes', before))).toEqual({ status: 200, challenge: null, body: { kid: oldKid } });
    } finally {
      await rotating.close();
    }
  });
});
