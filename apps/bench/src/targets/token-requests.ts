import { basicAuth, codeVerifier, form, redirectUri } from './fixtures.js';

// Token endpoint requests both servers are sent the same way (client_secret_basic, PKCE S256).

export interface CodeFlowTokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly id_token: string;
}

/** Redeems a code at the token endpoint (the same request the code exchange scenario sends). */
export async function exchangeCode(baseUrl: string, tokenPath: string, code: string): Promise<CodeFlowTokens> {
  const response = await fetch(baseUrl + tokenPath, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: codeExchangeBody(code),
  });
  const body = (await response.json()) as Partial<CodeFlowTokens>;
  if (!response.ok || !body.access_token || !body.refresh_token) throw new Error(`code exchange answered ${response.status}: ${JSON.stringify(body)}`);
  return body as CodeFlowTokens;
}

export const codeExchangeBody = (code: string): string =>
  form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });

/** A client_credentials access token (what the introspection scenario introspects). */
export async function clientCredentialsToken(baseUrl: string, tokenPath: string, fields: Readonly<Record<string, string>>): Promise<string> {
  const response = await fetch(baseUrl + tokenPath, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ grant_type: 'client_credentials', ...fields }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`client_credentials answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}
