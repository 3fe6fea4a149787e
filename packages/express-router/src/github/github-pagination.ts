/** One page of a list and its RFC 8288 `Link` header (GitHub's `per_page`/`page` pagination). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly link: string | undefined;
}

// GitHub's defaults: 30 per page, at most 100; a value that is not a positive integer is ignored.
const defaultPerPage = 30;
const maxPerPage = 100;

function positiveInt(value: string | null, fallback: number): number {
  const parsed = value !== null && /^\d{1,9}$/.test(value) ? Number(value) : 0;
  return parsed >= 1 ? parsed : fallback;
}

/**
 * The page `query` asks for, with `prev`, `next`, `last` and `first` links built on `url` (the
 * list's absolute URL without query), as GitHub sends them and Octokit's `paginate` follows.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams, url: string): Page<T> {
  const perPage = Math.min(positiveInt(query.get('per_page'), defaultPerPage), maxPerPage);
  const page = positiveInt(query.get('page'), 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (n: number) => `<${url}?per_page=${perPage}&page=${n}>`;
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return { items: items.slice((page - 1) * perPage, page * perPage), link: links.length > 0 ? links.join(', ') : undefined };
}
