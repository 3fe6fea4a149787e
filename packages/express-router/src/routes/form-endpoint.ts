import { errorResponse, toOAuthError, type EndpointResponse } from '@gatehouse/core';
import { readForm, type Params } from '../http/read-params.js';
import { writeJson } from '../http/write-response.js';
import type { Route } from './route.js';

type Endpoint = (input: { readonly params: Params; readonly authorization: string | undefined; readonly requestId: string }) => Promise<EndpointResponse>;

/**
 * A form-posting endpoint that authenticates its client: token (RFC 6749 §3.2), revocation
 * (RFC 7009), introspection (RFC 7662). Parses strictly, calls the server, writes JSON.
 */
export function formEndpointRoute(endpoint: Endpoint): Route {
  return async (req, res, requestId) => {
    try {
      const params = await readForm(req);
      writeJson(res, await endpoint({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      writeJson(res, errorResponse(toOAuthError(error), requestId));
    }
  };
}
