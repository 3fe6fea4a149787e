import { compactDecrypt, compactVerify, decodeProtectedHeader } from 'jose';
import type { Application } from '../clients/application.js';
import { issuerFor } from '../clients/issuer.js';
import { invalidRequest } from '../errors/oauth-error.js';
import type { ServerContext } from '../server-context.js';

/** What a valid `id_token_hint` tells: whom the relying party signed in, and in which session. */
export interface IdTokenHint {
  readonly subject: string;
  readonly sid: string | null;
}

type Context = Pick<ServerContext, 'keys' | 'settings'>;

const invalidHint = (detail: string, cause?: unknown) =>
  invalidRequest('id_token_hint is not a valid ID token of this application', { detail, cause, redirectable: false });

// OIDC Core §10.2 / RP-Initiated Logout 1.0 §2: the RP may send back the ID token as it
// received it, encrypted to our key, or the signed token inside.
async function unseal(context: Context, hint: string): Promise<string> {
  if (hint.split('.').length !== 5) return hint;
  try {
    const { kid } = decodeProtectedHeader(hint);
    const key = typeof kid === 'string' ? await context.keys.decryptionKey(kid) : null;
    if (!key) throw new Error('unknown encryption key');
    const { plaintext } = await compactDecrypt(hint, key, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256CBC-HS512'] });
    return new TextDecoder().decode(plaintext);
  } catch (error) {
    throw invalidHint('cannot decrypt the hint', error);
  }
}

/**
 * Verifies an `id_token_hint` for `application` (RP-Initiated Logout 1.0 §2): signed by one of
 * the application's live keys (by `kid`; the client secret for HS256), issued by the
 * application's issuer, for its client_id. Expiry is not checked: the spec expects relying
 * parties to log out with ID tokens that have long expired.
 */
export async function verifyIdTokenHint(context: Context, application: Application, hint: string): Promise<IdTokenHint> {
  const jwt = await unseal(context, hint);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (error) {
    throw invalidHint('the hint is not a JWT', error);
  }
  // RFC 8725 §3.11: access and logout tokens are typed; neither may pass for an ID token.
  if (header.typ !== undefined && header.typ !== 'JWT') throw invalidHint(`the hint is typed ${header.typ}`);
  const key = await context.keys.verificationKeyFor(application, typeof header.kid === 'string' ? header.kid : undefined);
  if (!key) throw invalidHint('the hint was signed with an unknown key');
  let claims: Record<string, unknown>;
  try {
    // The algorithm list pins the key's own algorithm: no `none`, no HS/RS confusion.
    const { payload } = await compactVerify(jwt, key.key, { algorithms: [key.alg] });
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch (error) {
    throw invalidHint('the hint signature does not verify', error);
  }
  if (typeof claims !== 'object' || claims === null) throw invalidHint('the hint payload is not a claims set');
  if (claims['iss'] !== issuerFor(application, context.settings.baseUrl)) throw invalidHint('the hint has another issuer');
  const audience = claims['aud'];
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(application.clientId)) throw invalidHint('the hint was issued to another client');
  const subject = claims['sub'];
  if (typeof subject !== 'string' || subject === '') throw invalidHint('the hint has no sub');
  const sid = claims['sid'];
  return { subject, sid: typeof sid === 'string' ? sid : null };
}
