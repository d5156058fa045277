/**
 * @module shared/crawls/crawl-scope
 * Which URLs a crawl follows, and the one form each URL is deduplicated (and fetched) in.
 *
 * Canonical form: the dedupe window's rules (shared/canonical-url.ts with the edge's
 * QUARRY_CANONICAL_* settings, stored in the crawl's config so every worker applies the same):
 * fragment dropped, tracking parameters dropped, query sorted, host lower-cased, default port
 * dropped; plus, for a crawl, credentials dropped and, with `ignoreQueryParameters`, the whole
 * query. The canonical URL is the one fetched: two spellings of a page are one page.
 *
 * Scope: a URL is in scope when its host is a seed's host (`allowSubdomains`: or a subdomain of
 * one; `allowExternalLinks`: any host), its scheme is http(s), and its path matches one of
 * `includePaths` (when given) and none of `excludePaths` (exclude wins). Seeds are always
 * crawled: the path patterns apply to what is discovered from them.
 */
import type { RE2JS } from 're2js';
import { canonicalUrl, type CanonicalUrlOptions } from '../canonical-url.ts';
import { LIMITS } from '../limits.ts';
import { compilePathPattern, matchesAny } from './path-patterns.ts';

export interface CrawlScopeConfig {
  seeds: readonly string[];
  allowSubdomains: boolean;
  allowExternalLinks: boolean;
  includePaths?: readonly string[] | undefined;
  excludePaths?: readonly string[] | undefined;
  ignoreQueryParameters: boolean;
  canonical: CanonicalUrlOptions;
}

export type ScopeVerdict = 'in' | 'host' | 'path';

export interface CrawlScope {
  /** The canonical form of an absolute URL, or null when it is not an http(s) URL a crawl can fetch. */
  canonical(url: string): string | null;
  /** Whether a canonical URL is followed: `in`, or why not (`host`: another site; `path`: the path patterns). */
  verdict(canonicalUrl: string): ScopeVerdict;
}

function compileAll(sources: readonly string[] | undefined): RE2JS[] {
  return (sources ?? []).map((source) => {
    const compiled = compilePathPattern(source);
    // The edge validated them; a config that no longer compiles is a bug, not a caller's input.
    if (typeof compiled === 'string') throw new Error(`crawl path pattern does not compile: ${compiled}`);
    return compiled;
  });
}

export function createCrawlScope(config: CrawlScopeConfig): CrawlScope {
  const include = compileAll(config.includePaths);
  const exclude = compileAll(config.excludePaths);
  const hosts = new Set<string>();
  for (const seed of config.seeds) {
    try {
      hosts.add(new URL(seed).hostname);
    } catch { /* the edge validated seeds */ }
  }
  const suffixes = [...hosts].map((host) => `.${host}`);

  function canonical(url: string): string | null {
    if (url.length > LIMITS.urlMaxLength) return null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    parsed.username = '';
    parsed.password = '';
    if (config.ignoreQueryParameters) parsed.search = '';
    const result = canonicalUrl(parsed.href, config.canonical);
    return result.length > LIMITS.urlMaxLength ? null : result;
  }

  function hostInScope(host: string): boolean {
    if (config.allowExternalLinks || hosts.has(host)) return true;
    return config.allowSubdomains && suffixes.some((suffix) => host.endsWith(suffix));
  }

  function verdict(canonicalUrl: string): ScopeVerdict {
    const url = new URL(canonicalUrl);
    if (!hostInScope(url.hostname)) return 'host';
    if (exclude.length > 0 && matchesAny(exclude, url.pathname)) return 'path';
    if (include.length > 0 && !matchesAny(include, url.pathname)) return 'path';
    return 'in';
  }

  return { canonical, verdict };
}
