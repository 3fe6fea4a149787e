import type { ServerResponse } from 'node:http';
import { errorResponse, toOAuthError, type EndpointResponse } from '@gatehouse/core';
import { readForm, type Params } from '../http/read-params.js';
import { writeJson } from '../http/write-response.js';
import { noteCaller } from '../observe/observation.js';
import type { ApiRequest, ApiRoute } from './route.js';

type Endpoint = (input: { readonly params: Params; readonly authorization: string | undefined; readonly requestId: string }) => Promise<EndpointResponse>;

/** What runs around a form endpoint: CORS headers and rate limits (see `formGuard`). */
export interface FormEndpointGuard {
  /**
   * Before the endpoint, with the form (null when it could not be read): sets the CORS headers,
   * then answers `429` instead of the endpoint when a limit is reached. Never throws.
   */
  admit(req: ApiRequest, res: ServerResponse, params: Params | null, requestId: string): Promise<EndpointResponse | null>;
  /** After the endpoint answered: counts failed client authentication. Never throws. */
  settle(req: ApiRequest, response: EndpointResponse): Promise<void>;
}

/**
 * A form-posting endpoint that authenticates its client: token (RFC 6749 §3.2), revocation
 * (RFC 7009), introspection (RFC 7662). Parses strictly, calls the server, writes JSON.
 */
export function formEndpointRoute(endpoint: Endpoint, guard?: FormEndpointGuard): ApiRoute {
  return async (req, res, requestId) => {
    let response: EndpointResponse;
    try {
      const params = await readForm(req);
      noteCaller(res, params, req.headers.authorization);
      response = (await guard?.admit(req, res, params, requestId)) ?? (await endpoint({ params, authorization: req.headers.authorization, requestId }));
    } catch (error) {
      await guard?.admit(req, res, null, requestId);
      response = errorResponse(toOAuthError(error), requestId);
    }
    await guard?.settle(req, response);
    writeJson(res, response);
  };
}
