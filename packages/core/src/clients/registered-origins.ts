import { compileEntry } from '../authorize/redirect-uri.js';
import type { Clock } from '../clock.js';
import type { ApplicationStore } from '../storage/application-store.js';
import type { Application } from './application.js';

/**
 * The Web origin (`scheme://host[:port]`, RFC 6454 §6.2) of an absolute URI with an authority:
 * lower-case host, no default port. Undefined for URIs without one (`urn:`, relative, unparsable).
 */
export function originOf(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.host === '' ? undefined : `${url.protocol}//${url.host}`;
}

// Lookarounds and backreferences can tie the path of a URI to its host: no split keeps their meaning.
const entangled = /\(\?<?[=!]|\\[1-9]|\\k</;
const metaCharacters = new Set(['.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|']);

/**
 * The part of a regex redirect URI before its path: everything up to the first top-level literal
 * `/` after a top-level `://`. Null when there is no such split, or when cutting there could change
 * what the pattern means (a top-level alternative, a lookaround, a backreference).
 *
 * Cut between two top-level atoms, `pattern` is `authority` followed by `rest`, so an origin that
 * fully matches `authority` is the origin of a URI the whole pattern accepts (the origin followed
 * by whatever `rest` matches). That makes the derived check sound for every pattern that matches
 * at least one URI.
 *
 * @example
 * authorityPattern('https://.*\\.example\\.com/cb') // 'https://.*\\.example\\.com'
 */
export function authorityPattern(pattern: string): string | null {
  if (entangled.test(pattern)) return null;
  let depth = 0;
  let inClass = false;
  let recent = '';
  let schemeSeen = false;
  let split = -1;
  for (let i = 0; i < pattern.length; i++) {
    const start = i;
    const c = pattern[i]!;
    let literal: string | null = null;
    if (c === '\\') {
      const escaped = pattern[++i];
      if (inClass) continue;
      if (escaped === '/' || escaped === ':') literal = escaped;
    } else if (inClass) {
      if (c === ']') inClass = false;
      continue;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      // A closed group is one atom: it breaks a run of literals like any other.
      if (--depth === 0) recent = '';
      continue;
    } else if (c === '|' && depth === 0) {
      return null;
    } else if (!metaCharacters.has(c)) {
      literal = c;
    }
    if (depth > 0 || split >= 0) continue;
    if (schemeSeen && literal === '/') {
      split = start;
      continue;
    }
    recent = literal === null ? '' : (recent + literal).slice(-3);
    if (recent === '://') schemeSeen = true;
  }
  return split > 0 ? pattern.slice(0, split) : null;
}

interface PatternEntry {
  readonly clientId: string;
  readonly full: RegExp;
  /** The pattern's part before the path, when it can be cut there (see {@link authorityPattern}). */
  readonly authority: RegExp | null;
}

interface OriginIndex {
  /** Origin → client ids of the strict redirect URIs at that origin. */
  readonly exact: ReadonlyMap<string, ReadonlySet<string>>;
  readonly patterns: readonly PatternEntry[];
  /** Answers given from this index, by `clientId origin`. */
  readonly answers: Map<string, boolean>;
}

function buildIndex(applications: readonly Application[]): OriginIndex {
  const exact = new Map<string, Set<string>>();
  const patterns: PatternEntry[] = [];
  for (const application of applications) {
    for (const entry of application.redirectUris) {
      if (entry.matchingMode === 'strict') {
        const origin = originOf(entry.url);
        if (origin === undefined) continue;
        const clients = exact.get(origin) ?? new Set<string>();
        exact.set(origin, clients.add(application.clientId));
        continue;
      }
      const full = compileEntry(entry.url);
      if (!full) continue;
      const authority = authorityPattern(entry.url);
      patterns.push({ clientId: application.clientId, full, authority: authority === null ? null : compileEntry(authority) });
    }
  }
  return { exact, patterns, answers: new Map() };
}

// A regex entry registers an origin when some URI at that origin matches it: the origin matches the
// pattern's authority part, or the pattern accepts the origin itself or its root URI.
const acceptsOrigin = (entry: PatternEntry, origin: string): boolean =>
  entry.authority?.test(origin) === true || entry.full.test(origin) || entry.full.test(`${origin}/`);

function answer(index: OriginIndex, origin: string, clientId: string | undefined): boolean {
  const clients = index.exact.get(origin);
  if (clients && (clientId === undefined || clients.has(clientId))) return true;
  return index.patterns.some((entry) => (clientId === undefined || entry.clientId === clientId) && acceptsOrigin(entry, origin));
}

// Longer than any scheme, host name (RFC 1035: 253) and port together: never an origin, and never
// handed to an administrator's regex.
const longestOrigin = 300;
const maxAnswers = 10_000;

/** Which browser origins may read the answers of the token, userinfo, revocation and introspection endpoints. */
export interface OriginRegistry {
  /**
   * True when `origin` (an `Origin` header) is the origin of a registered redirect URI, of either
   * type: of the application with `clientId` when given, of any application otherwise.
   */
  isRegistered(origin: string, clientId?: string): Promise<boolean>;
  /** Forgets the index: the next question reads the applications again (after a change in this process). */
  invalidate(): void;
}

/**
 * The origins of every application's redirect URIs, from `ApplicationStore.list()`, rebuilt at
 * most every `ttlSeconds`. An expired index keeps answering while the new one loads (a slow or
 * unreachable database never holds a request up); only the very first question waits for it.
 * Strict entries register their exact origin; for regex entries see {@link authorityPattern}.
 */
export function createOriginRegistry(applications: Pick<ApplicationStore, 'list'>, clock: Clock, ttlSeconds: number): OriginRegistry {
  let index: OriginIndex | null = null;
  let builtAt = 0;
  let loading: Promise<OriginIndex | null> | null = null;
  const load = (): Promise<OriginIndex | null> =>
    (loading ??= applications
      .list()
      .then(
        (list) => (index = buildIndex(list)),
        // A failed reload keeps the old index for another period; without one, the next question tries again.
        () => index,
      )
      .finally(() => {
        if (index) builtAt = clock.now();
        loading = null;
      }));

  return {
    invalidate() {
      index = null;
    },
    async isRegistered(origin, clientId) {
      if (origin.length > longestOrigin) return false;
      let current = index;
      if (current === null || clock.now() - builtAt >= ttlSeconds) {
        const loaded = load();
        if (current === null) current = await loaded;
      }
      if (current === null) return false;
      const key = `${clientId ?? ''} ${origin}`;
      let known = current.answers.get(key);
      if (known === undefined) {
        // Browsers send the serialised origin: anything else (a path, upper case, a default port, `null`) is refused.
        known = originOf(origin) === origin && answer(current, origin, clientId);
        if (current.answers.size >= maxAnswers) current.answers.clear();
        current.answers.set(key, known);
      }
      return known;
    },
  };
}
