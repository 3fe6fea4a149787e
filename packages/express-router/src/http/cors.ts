import type { ServerResponse } from 'node:http';
import vary from 'vary';
import type { AuthorizationServer } from '@gatehouse/core';
import type { ApiRequest, ApiRoute } from '../routes/route.js';

/**
 * How an endpoint answers scripts of other origins. `public`: discovery and JWKS, readable by any
 * origin. `registered`: token, userinfo, revocation, introspection and device authorization,
 * readable only by origins of registered redirect URIs.
 */
export type CorsPolicy = 'public' | 'registered';

// Bearer and Basic credentials travel in headers, never in cookies: no credentials mode and so no
// `Access-Control-Allow-Credentials`.
const allowedHeaders = 'Authorization, Content-Type, DPoP';
// Beyond the CORS-safelisted ones: what a client needs to read errors, limits and the request id.
const exposedHeaders = 'WWW-Authenticate, Retry-After, X-Request-Id, DPoP-Nonce';
const maxAgeSeconds = '600';

/**
 * An actual request from a browser (it sends `Origin`) to a `registered` endpoint: the origin is
 * echoed when it is the origin of a redirect URI of the client the request names, or of any
 * application when it names none (userinfo, bearer introspection). Any other origin gets no CORS
 * headers; the request itself is answered as usual (behaviour spec edge case 30).
 */
export async function allowRegisteredOrigin(server: AuthorizationServer, req: ApiRequest, res: ServerResponse, clientId?: string): Promise<void> {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  vary(res, 'Origin');
  if (!(await server.isRegisteredOrigin(origin, clientId))) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
}

/**
 * The answer to a CORS preflight (`OPTIONS`). It carries no credentials, so a `registered`
 * endpoint allows an origin registered for any application; the actual request is checked again
 * against its client. Always 204: an origin that may not call gets no CORS headers, which the
 * browser treats as a refusal.
 */
export function preflightRoute(server: AuthorizationServer, policy: CorsPolicy, methods: string): ApiRoute {
  return async (req, res) => {
    const headers: Record<string, string> = { allow: methods, 'content-length': '0' };
    if (policy === 'public') {
      Object.assign(headers, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': methods,
        'access-control-allow-headers': '*',
        'access-control-max-age': maxAgeSeconds,
      });
    } else {
      const origin = req.headers.origin;
      if (origin !== undefined) vary(res, 'Origin');
      if (origin !== undefined && (await server.isRegisteredOrigin(origin))) {
        Object.assign(headers, {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': methods,
          'access-control-allow-headers': allowedHeaders,
          'access-control-max-age': maxAgeSeconds,
        });
      }
    }
    res.writeHead(204, headers);
    res.end();
  };
}
