import { readClientCredentials } from './authenticate-client.js';
import { assertionClientId } from './client-assertion.js';

/**
 * The client a request names (Basic header, `client_id`, or the `iss` of a client assertion),
 * without checking its credentials: for routing, rate limits and CORS before authentication.
 * Machine clients may send credentials in shapes that are not client authentication (a JWT or
 * `user:token` as the secret), so malformed credentials still name their client when they can.
 */
export function claimedClientId(params: Readonly<Record<string, string | undefined>>, authorization: string | undefined): string | undefined {
  try {
    return readClientCredentials(params, authorization)?.clientId;
  } catch {
    const assertion = params['client_assertion'] ?? params['client_secret'];
    return params['client_id'] ?? (assertion ? assertionClientId(assertion) : undefined);
  }
}
