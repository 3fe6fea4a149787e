import type { Logger } from 'pino';
import type { ObservedRequest } from './observed-request.js';
import type { ProviderMetrics } from './provider-metrics.js';

/**
 * What the provider does with each request it answered: one `request` line at info (request id,
 * endpoint, status, outcome, client id, grant type, duration in ms) and the request metrics.
 * The line is the record itself, nothing copied, so at LOG_LEVEL=warn it costs nothing.
 */
export function requestObserver(logger: Logger, metrics: ProviderMetrics): (request: ObservedRequest) => void {
  return (request) => {
    metrics.countRequest(request);
    logger.info(request, 'request');
  };
}
