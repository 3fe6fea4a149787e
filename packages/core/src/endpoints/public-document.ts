import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EndpointResponse } from '../endpoint-response.js';

/** A published document, serialised once: its JSON, an ETag, and when it was made. */
interface Published {
  readonly at: number;
  readonly json: string;
  readonly etag: string;
}

/**
 * Discovery and JWKS bodies per application, built once and served from memory for
 * `cacheSeconds` (DESIGN.md §8): no store lookups, key exports or JSON serialisation per request,
 * and `304 Not Modified` for a client that already holds the current version.
 */
export interface PublicDocuments {
  serve(key: string, ifNoneMatch: string | undefined, build: () => Promise<unknown | null>, notFound: () => EndpointResponse): Promise<EndpointResponse>;
  invalidate(): void;
}

export function createPublicDocuments(clock: Clock, cacheSeconds: number): PublicDocuments {
  const documents = new Map<string, Promise<Published | null>>();
  const made = new Map<string, number>();
  const publish = async (build: () => Promise<unknown | null>): Promise<Published | null> => {
    const body = await build();
    if (body === null) return null;
    const json = JSON.stringify(body);
    return { at: clock.now(), json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
  };
  return {
    async serve(key, ifNoneMatch, build, notFound) {
      let document = documents.get(key);
      if (!document || clock.now() - (made.get(key) ?? 0) >= cacheSeconds) {
        document = publish(build);
        documents.set(key, document);
        made.set(key, clock.now());
        // Unknown slugs and failures are not kept: the next request asks again.
        document.then((published) => published ?? documents.delete(key), () => documents.delete(key));
      }
      const published = await document;
      if (!published) return notFound();
      const headers = { 'cache-control': `public, max-age=${Math.min(cacheSeconds, 300)}`, etag: published.etag };
      if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === published.etag)) {
        return { status: 304, headers, body: null, json: '' };
      }
      return { status: 200, headers, body: null, json: published.json };
    },
    invalidate() {
      documents.clear();
      made.clear();
    },
  };
}
