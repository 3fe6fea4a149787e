import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The id of this request: one set earlier (pino-http's `req.id`, or a reverse proxy's
 * `X-Request-Id` already on the response) or a new one. Always echoed as `X-Request-Id`.
 *
 * @example
 * app.get('/hello', (req, res) => res.json({ hello: 'world', request_id: requestIdOf(req, res) }));
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id ?? res.getHeader('x-request-id');
  const id = typeof existing === 'string' || typeof existing === 'number' ? String(existing) : randomUUID();
  (req as IncomingMessage & { id?: unknown }).id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}
