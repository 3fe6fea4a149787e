import type { ServerResponse } from 'node:http';
import { claimedClientId } from '@gatehouse/core';
import { outcomeOfStatus } from './outcome-of-status.js';
import type { EndpointName, RequestRecord } from './request-record.js';

/** A request being observed: its record, filled in while the routes answer. */
export type Observation = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };

// On the response, so that the writers and routes add to it without another parameter; absent
// (one property miss) when the router has no observer.
const slot = Symbol('gatehouse.observation');
type Observed = ServerResponse & { [slot]?: Observation };

/** Starts observing the request answered through `res`. */
export function startObservation(res: ServerResponse, requestId: string, method: string, endpoint: EndpointName): Observation {
  // Every field from the start: one object shape for all requests.
  const observation: Observation = { requestId, method, endpoint, status: 0, outcome: '', clientId: undefined, grantType: undefined, durationMs: 0 };
  (res as Observed)[slot] = observation;
  return observation;
}

/** The OAuth error code `res` answers with (or redirects to the client with). */
export function noteOutcome(res: ServerResponse, code: string): void {
  const observation = (res as Observed)[slot];
  if (observation !== undefined) observation.outcome = code;
}

/** The client and grant type a request names; the Basic header is decoded only when observed. */
export function noteCaller(res: ServerResponse, params: Readonly<Record<string, string | undefined>>, authorization: string | undefined): void {
  const observation = (res as Observed)[slot];
  if (observation === undefined) return;
  observation.clientId = claimedClientId(params, authorization);
  observation.grantType = params['grant_type'];
}

/** Completes the record once the response is written: status, final outcome, duration. */
export function finishObservation(observation: Observation, res: ServerResponse, startedAt: number): RequestRecord {
  const status = res.statusCode;
  observation.status = status;
  // A 429 is a refusal to count, whatever code told the client to slow down.
  observation.outcome = status === 429 ? 'rate_limited' : observation.outcome || outcomeOfStatus(status);
  observation.durationMs = performance.now() - startedAt;
  return observation;
}
