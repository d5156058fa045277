/**
 * @module shared/canonical-url
 * The canonical form of a URL used for deduplication: two requests for the "same page" get
 * the same key even when written differently.
 */
export interface CanonicalUrlOptions {
  /** Sort query parameters by name (then value) so their order does not matter. */
  sortQuery?: boolean;
  /** Parameter names to drop (tracking noise); a trailing `*` matches a prefix, e.g. `utm_*`. */
  dropParams?: readonly string[];
}

/**
 * WHATWG URL parsing already lower-cases the scheme and host, removes default ports and
 * normalises percent-encoding and dot segments; on top of that the fragment is dropped
 * (never sent to the server) and the query is filtered and sorted.
 */
export function canonicalUrl(input: string, options: CanonicalUrlOptions = {}): string {
  const { sortQuery = true, dropParams = [] } = { ...options };
  const url = new URL(input);
  url.hash = '';
  const drop = (name: string) => dropParams.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
  const params = [...url.searchParams].filter(([name]) => !drop(name));
  if (sortQuery) params.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  url.search = params.length ? new URLSearchParams(params).toString() : '';
  return url.toString();
}
