import type { ApiRequest } from '../routes/route.js';
import { OAuthError, type OAuthErrorOptions } from '@gatehouse/core';

export type Params = Readonly<Record<string, string | undefined>>;

const maxBodyBytes = 64 * 1024;
const formType = 'application/x-www-form-urlencoded';
const invalidRequest = (description: string, options?: OAuthErrorOptions) => new OAuthError('invalid_request', description, options);

// A parameter name as an error description shows it: attackers choose names, descriptions stay short.
const shown = (name: string): string => (name.length > 40 ? `${name.slice(0, 40)}...` : name);
// RFC 6749 Appendix A: no parameter carries control characters but TAB (passwords) and line
// breaks (JSON in `claims`). NUL in particular would reach the stores, and PostgreSQL refuses it.
const controls = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * RFC 6749 §3.1/§3.2: parameters must not repeat, and a parameter sent without a value is treated
 * as omitted.
 */
function toParams(entries: Iterable<readonly [string, string]>): Params {
  const params: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (seen.has(name)) throw invalidRequest(`parameter ${shown(name)} is repeated`);
    if (controls.test(name) || controls.test(value)) throw invalidRequest(`parameter ${shown(name)} has control characters`);
    seen.add(name);
    if (value !== '') params[name] = value;
  }
  return params;
}

/**
 * One name or value of `application/x-www-form-urlencoded` text, strictly: `+` is a space, every
 * `%` starts a two-digit escape, and the escaped bytes are UTF-8 (RFC 6749 Appendix B). Where the
 * URL Standard's parser keeps a broken escape and replaces invalid UTF-8 with U+FFFD, this refuses
 * the request: a value that is not what the client sent is never used.
 */
function decodeComponent(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  if (/%(?![0-9A-Fa-f]{2})/.test(spaced)) throw invalidRequest('a parameter has a malformed percent-escape');
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw invalidRequest('a parameter is not valid UTF-8');
  }
}

/** The name-value pairs of form-encoded text; empty sequences (`a=1&&b=2`) are skipped, as by the URL Standard. */
function parseUrlEncoded(text: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const sequence of text.split('&')) {
    if (sequence === '') continue;
    const eq = sequence.indexOf('=');
    entries.push(eq < 0 ? [decodeComponent(sequence), ''] : [decodeComponent(sequence.slice(0, eq)), decodeComponent(sequence.slice(eq + 1))]);
  }
  return entries;
}

/** The query string of the request, strictly parsed. */
export function readQuery(req: ApiRequest): Params {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return toParams(query < 0 ? [] : parseUrlEncoded(url.slice(query + 1)));
}

/**
 * The request body as bytes, at most 64 KiB (413 beyond). Past the limit it stops listening
 * without destroying the request (leaving a `for await` loop would destroy it, and the socket with
 * it, before the 413 is written): Node discards the rest once the response is sent.
 */
function readBodyBytes(req: ApiRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (req.readableEnded) return resolve(Buffer.alloc(0));
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) return void chunks.push(chunk);
      stop();
      reject(new OAuthError('invalid_request', 'the request body is too large', { status: 413 }));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(invalidRequest('the request body could not be read', { cause: error }));
    };
    // The client went away before the end of its body: nobody waits for an answer any more.
    const onClose = () => onError(new Error('the request closed before its body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text, refused (not replaced) when they are not UTF-8. */
function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidRequest('the request body is not valid UTF-8');
  }
}

/** The request body as UTF-8 text, at most 64 KiB (413 beyond); invalid UTF-8 is refused. */
export async function readRawBody(req: ApiRequest): Promise<string> {
  return decodeUtf8(await readBodyBytes(req));
}

const mediaTypeOf = (req: ApiRequest): string => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
const wrongType = () => invalidRequest(`the request body must be ${formType}`);

/**
 * The `application/x-www-form-urlencoded` body of a POST, strictly parsed. A body that a body
 * parser mounted earlier already read is taken from `req.body`, repeated values included; only
 * text values count (a nested object of an extended parser is refused, like JSON is).
 */
export async function readForm(req: ApiRequest): Promise<Params> {
  const type = mediaTypeOf(req);
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && req.readableEnded) {
    const fields = Object.entries(req.body as Record<string, unknown>);
    if (fields.length === 0) return toParams([]);
    if (type !== formType) throw wrongType();
    return toParams(
      fields.flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((item): [string, string] => {
          if (typeof item !== 'string') throw invalidRequest(`parameter ${shown(name)} must be a string`);
          return [name, item];
        }),
      ),
    );
  }
  const bytes = await readBodyBytes(req);
  if (bytes.length === 0) return toParams([]);
  if (type !== formType) throw wrongType();
  return toParams(parseUrlEncoded(decodeUtf8(bytes)));
}
