/**
 * @module worker/crawls/crawl-discovery
 * From the links a page holds to the entries the advance script examines: each link
 * canonicalized (shared/crawls/crawl-scope.ts, the dedupe window's rules), deduplicated within
 * the page, scoped (another host or the path patterns: counted as `scope`), and checked against
 * robots.txt through the fleet's cache (a disallowed URL is sent flagged `r`: recorded as seen
 * and counted once as `robots`, never admitted). What is left is fingerprinted: 8 bytes of
 * SHA-256 of the canonical URL (2^-64 per pair: ~10^-7 odds of one collision among 2 M URLs).
 *
 * Links come from `links` (worker/src/formats/links.ts): `<a href>` and `<area href>` resolved
 * against the document's `<base href>` (itself against the final URL), fragments dropped; in
 * browser mode the page's HTML is the rendered DOM, so links a script inserted are found too.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_FORMAT_LIMITS } from '../formats/define-format.ts';
import { linksFormat } from '../formats/links.ts';
import type { RobotsCache } from '../politeness/index.ts';
import type { Page } from '../pipeline/page/page.ts';
import type { LoadedCrawl, CrawlEntry } from './crawl-store.ts';

export interface Discovered {
  entries: CrawlEntry[];
  /** Links dropped as out of scope (as found: a link twice on the page counts twice). */
  skippedScope: number;
}

export function fingerprint(canonicalUrl: string): Buffer {
  return createHash('sha256').update(canonicalUrl).digest().subarray(0, 8);
}

/** The absolute links of a page (the `links` format's rules), or none for a page without HTML. */
export async function pageLinks(page: Page, signal?: AbortSignal): Promise<string[]> {
  if (page.html === null) return [];
  const part = await linksFormat.run(page, { entry: 'links', scrape: { mode: 'http' } }, { limits: DEFAULT_FORMAT_LIMITS, ...(signal ? { signal } : {}) });
  return part.result?.links ?? [];
}

export interface ClassifyOptions {
  crawl: LoadedCrawl;
  /** The fleet's robots cache; none when the worker does not respect robots.txt. */
  robots: RobotsCache | undefined;
  /** Seeds: the host is theirs by definition and the path patterns do not apply to them. */
  seeds?: boolean;
}

/** Canonicalizes, scopes and robots-checks `urls` (absolute), in order, without repeats. */
export async function classifyUrls(urls: Iterable<string>, options: ClassifyOptions): Promise<Discovered> {
  const { crawl, robots } = options;
  const seen = new Set<string>();
  const entries: CrawlEntry[] = [];
  let skippedScope = 0;
  for (const raw of urls) {
    const url = crawl.scope.canonical(raw);
    if (url === null || (!options.seeds && crawl.scope.verdict(url) !== 'in')) {
      skippedScope++;
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    let flag: CrawlEntry['flag'] = 'a';
    if (robots && !crawl.config.ignoreRobots) {
      const decision = await robots.check(url);
      // Only a parsed rule refuses at admission; an unreachable robots.txt is the page job's
      // to wait out (the politeness gate defers it), as for any job.
      if (!decision.allowed && decision.outcome !== 'unreachable') flag = 'r';
    }
    entries.push({ flag, fingerprint: fingerprint(url), url });
  }
  return { entries, skippedScope };
}
