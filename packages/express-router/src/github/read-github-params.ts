import type { ApiRequest } from '../routes/route.js';
import { OAuthError } from '@gatehouse/core';
import { readForm, readQuery, readRawBody, type Params } from '../http/read-params.js';

function fromJson(raw: string): Params {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new OAuthError('invalid_request', 'the request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OAuthError('invalid_request', 'the request body must be a JSON object');
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || value === '') continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new OAuthError('invalid_request', `parameter ${name} must be a string`);
    params[name] = String(value);
  }
  return params;
}

/**
 * The parameters of a GitHub token request: a JSON body (Octokit), a form body (RFC 6749,
 * passport-github2), or, when the body is empty, the query string, as GitHub accepts too.
 */
export async function readGithubParams(req: ApiRequest): Promise<Params> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const parsedEarlier = req.body !== undefined && req.body !== null && typeof req.body === 'object' && req.readableEnded;
  const body = type === 'application/json' && !parsedEarlier ? fromJson(await readRawBody(req)) : await readForm(req);
  return Object.keys(body).length > 0 ? body : readQuery(req);
}
