import type { ServerResponse } from 'node:http';

// Personal data: never cached. The media type header is what GitHub clients log and some check.
const apiHeaders = { 'cache-control': 'no-store', 'x-github-media-type': 'github.v3; format=json' };

/** Writes a GitHub REST response: JSON, or nothing for 204; the request id also as GitHub names it (Octokit logs it). */
export function writeGithubJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const requestId = res.getHeader('x-request-id');
  if (typeof requestId === 'string') res.setHeader('x-github-request-id', requestId);
  if (status === 204) {
    res.writeHead(204, { ...apiHeaders, ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...apiHeaders, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
