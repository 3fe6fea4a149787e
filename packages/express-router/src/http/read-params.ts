import type { Request } from 'express';
import { OAuthError } from '@gatehouse/core';

export type Params = Readonly<Record<string, string | undefined>>;

const maxBodyBytes = 64 * 1024;

/**
 * RFC 6749 §3.1/§3.2: parameters must not repeat, and a parameter sent without a value is treated
 * as omitted.
 */
function toParams(entries: Iterable<[string, string]>): Params {
  const params: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (seen.has(name)) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
    seen.add(name);
    if (value !== '') params[name] = value;
  }
  return params;
}

/** The query string of the request, strictly parsed. */
export function readQuery(req: Request): Params {
  const query = req.originalUrl.indexOf('?');
  return toParams(new URLSearchParams(query < 0 ? '' : req.originalUrl.slice(query + 1)));
}

/** The request body as text, at most 64 KiB (413 beyond). */
export async function readRawBody(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new OAuthError('invalid_request', 'the request body is too large', { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The `application/x-www-form-urlencoded` body of a POST, strictly parsed. A body that a body
 * parser mounted earlier already read is taken from `req.body`, repeated values included.
 */
export async function readForm(req: Request): Promise<Params> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && req.readableEnded) {
    return toParams(
      Object.entries(req.body as Record<string, unknown>).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((item): [string, string] => [name, String(item)]),
      ),
    );
  }
  const raw = await readRawBody(req);
  if (raw === '') return toParams([]);
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
  return toParams(new URLSearchParams(raw));
}
