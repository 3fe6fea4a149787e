// oidc-provider 9 as its own process for the bench. Interactions finish by themselves (the bench
// user signs in and consents to whatever is asked), so the bench drives the real authorize flow
// over HTTP. POST /__bench/clone-codes copies a real code for the code-exchange run.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Provider, type InteractionResults } from 'oidc-provider';
import { user } from '../targets/fixtures.js';
import { benchConfiguration } from './oidc-provider-config.js';
import { cloneAuthorizationCode } from './oidc-memory-adapter.js';

const port = Number(process.env['PORT']);
const provider = new Provider(`http://127.0.0.1:${port}`, benchConfiguration());
const handle = provider.callback();

/** The login and consent prompts answered at once, as a user who always says yes would. */
async function finishInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
    return;
  }
  const accountId = details.session!.accountId;
  const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId: details.params['client_id'] as string });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  const result: InteractionResults = { consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

function cloneCodes(req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url!, 'http://localhost').searchParams;
  const codes = cloneAuthorizationCode(query.get('code') ?? '', Number(query.get('count')));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(codes));
}

const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    finishInteraction(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  } else if (req.method === 'POST' && req.url?.startsWith('/__bench/clone-codes')) {
    try {
      cloneCodes(req, res);
    } catch (error) {
      res.writeHead(400).end(String(error));
    }
  } else {
    void handle(req, res);
  }
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
