import { issuerUnavailable } from './bearer-error.js';

/** The parts of the issuer's metadata a resource server uses (RFC 8414 §2). */
export interface IssuerMetadata {
  readonly jwksUri: string;
  readonly introspectionEndpoint: string | undefined;
}

/** How long the issuer may take to answer before the request is answered 503. */
export const issuerTimeoutMs = 5_000;

const optionalUrl = (value: unknown): string | undefined => (typeof value === 'string' && URL.canParse(value) ? value : undefined);

async function fetchMetadata(issuer: string): Promise<IssuerMetadata> {
  // OIDC Discovery §4.1: the issuer without its trailing slash, then the well-known path.
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: Record<string, unknown> | null;
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(issuerTimeoutMs) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    document = (await response.json()) as Record<string, unknown> | null;
  } catch (cause) {
    throw issuerUnavailable('the metadata of the token issuer could not be fetched', cause);
  }
  // OIDC Discovery §4.3: the document must name the very issuer it was fetched for.
  if (document === null || typeof document !== 'object' || document['issuer'] !== issuer) throw issuerUnavailable('the metadata of the token issuer names another issuer');
  const jwksUri = optionalUrl(document['jwks_uri']);
  if (jwksUri === undefined) throw issuerUnavailable('the metadata of the token issuer has no valid jwks_uri');
  return { jwksUri, introspectionEndpoint: optionalUrl(document['introspection_endpoint']) };
}

/**
 * The issuer's metadata, fetched on first use and then kept. Concurrent first requests share one
 * download; a failure is not kept, so the next request tries again.
 */
export function issuerMetadata(issuer: string): () => Promise<IssuerMetadata> {
  let known: Promise<IssuerMetadata> | undefined;
  return () => {
    known ??= fetchMetadata(issuer).catch((error: unknown) => {
      known = undefined;
      throw error;
    });
    return known;
  };
}
