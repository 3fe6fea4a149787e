import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { requestIdOf } from '@gatehouse/express-router';
import type { ProviderMetrics } from './provider-metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus' text format. With `token` (METRICS_TOKEN) the scraper must send
 * `Authorization: Bearer <token>`; anything else is a 401 with an RFC 6750 challenge.
 */
export function metricsRoute(metrics: ProviderMetrics, token: string | undefined): RequestHandler {
  // Compared as digests: constant time, whatever the length of what was sent.
  const expected = token === undefined ? null : digest(`Bearer ${token}`);
  return async (req, res, next) => {
    const authorization = req.headers.authorization;
    if (expected !== null && (authorization === undefined || !timingSafeEqual(digest(authorization), expected))) {
      const requestId = requestIdOf(req, res);
      res.setHeader('www-authenticate', `Bearer realm="metrics"${authorization === undefined ? '' : ', error="invalid_token"'}`);
      res.status(401).set('cache-control', 'no-store').json({
        error: authorization === undefined ? 'invalid_request' : 'invalid_token',
        error_description: 'the metrics need the bearer token the server was given as METRICS_TOKEN',
        request_id: requestId,
      });
      return;
    }
    try {
      const text = await metrics.scrape();
      res.status(200).set({ 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).send(text);
    } catch (error) {
      next(error);
    }
  };
}
