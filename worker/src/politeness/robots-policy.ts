/**
 * @module worker/src/politeness/robots-policy
 * RFC 9309 status handling for robots.txt: which fetch outcomes mean "these rules", "no rules"
 * or "stay away for now", and the rules text each one stands for.
 */
import robotsParserModule from 'robots-parser';

/** The fetcher the robots cache calls; inject the SSRF-guarded one in production. */
export type FetchRobots = (url: URL) => Promise<{ status: number; body: string }>;

/**
 * - `parsed`: 2xx, the body is the rules.
 * - `unavailable`: 4xx (and redirects left unfollowed): RFC 9309 §2.3.1.3, crawl anything.
 * - `unreachable`: 5xx, 429, network error or timeout: §2.3.1.4, assume complete disallow
 *   (429 too: it is the server asking us to slow down, not saying the file is absent).
 */
export type RobotsOutcome = 'parsed' | 'unavailable' | 'unreachable';

/** RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything past that is ignored. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

const DISALLOW_ALL = 'User-agent: *\nDisallow: /\n';

/** Status 0 stands for "no HTTP answer at all" (connection refused, DNS, timeout). */
export function classifyRobotsStatus(status: number): RobotsOutcome {
  if (status >= 200 && status < 300) return 'parsed';
  if (status === 429) return 'unreachable';
  if (status >= 300 && status < 500) return 'unavailable';
  return 'unreachable';
}

/** The rules text an outcome stands for. */
export function rulesFor(outcome: RobotsOutcome, body: string): string {
  if (outcome === 'parsed') return body.length > ROBOTS_MAX_BYTES ? body.slice(0, ROBOTS_MAX_BYTES) : body;
  return outcome === 'unavailable' ? '' : DISALLOW_ALL;
}

/** The part of robots-parser's `Robot` we use. */
export interface ParsedRobots {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
  getSitemaps(): string[];
}

// robots-parser is CommonJS (`module.exports = function`) but its typings declare an ES default
// export, which NodeNext resolution models as `module.exports.default`: re-type the real value.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => ParsedRobots;

export function parseRobots(origin: string, outcome: RobotsOutcome, body: string): ParsedRobots {
  return robotsParser(`${origin}/robots.txt`, rulesFor(outcome, body));
}
