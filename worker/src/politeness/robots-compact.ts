/**
 * @module worker/src/politeness/robots-compact
 * The compact form of a robots.txt the fleet stores: only the groups that apply to our agent
 * token and to `*`, with their Allow/Disallow/Crawl-delay lines, then the Sitemap lines (a crawl
 * feature will want them). Comments, blank lines, other crawlers' groups and unknown directives
 * go. Re-parsed with robots-parser it gives the same answers for our token (and `*`) as the full
 * file: the scan below follows robots-parser's own line rules (comment stripping, split at the
 * first `:`, a run of User-agent lines opening one group, rules accumulating per agent).
 *
 * A hostile or huge file is cut to `maxBytes`: Sitemap lines go first; rules past the cap are
 * replaced by `Disallow: /` for the agents whose rules were cut (fail closed: a path a dropped
 * rule might have disallowed is not fetched; the kept, longer rules still win where they match).
 */

/** Stored size cap of the compact form (rules + sitemaps), bytes of UTF-8. */
export const ROBOTS_MAX_STORED_BYTES = 64 * 1024;

export interface CompactRobots {
  /** robots.txt text holding only what applies to us; parse it like the original. */
  readonly rules: string;
  /** Sitemap URLs kept. */
  readonly sitemaps: number;
  /** Something was dropped for the size cap (sitemaps, or rules replaced by `Disallow: /`). */
  readonly truncated: boolean;
}

/** robots-parser's agent matching: lower case, cut at the first `/` (`QuarryBot/0.1` → `quarrybot`). */
export function robotsAgentToken(userAgent: string): string {
  const lower = userAgent.toLowerCase();
  const slash = lower.indexOf('/');
  return (slash === -1 ? lower : lower.slice(0, slash)).trim();
}

const RULE_KEYS: Record<string, string> = { disallow: 'Disallow', allow: 'Allow', 'crawl-delay': 'Crawl-delay' };
const bytes = (text: string) => Buffer.byteLength(text);

export function compactRobots(body: string, userAgent: string, maxBytes = ROBOTS_MAX_STORED_BYTES): CompactRobots {
  const token = robotsAgentToken(userAgent);
  const lines: string[] = [];
  const sitemaps: string[] = [];
  let agents: string[] = [];
  let previousWasAgent = false;
  let emittedFor = '';
  for (const raw of body.split(/\r\n|\r|\n/)) {
    const hash = raw.indexOf('#');
    const line = hash === -1 ? raw : raw.slice(0, hash);
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key === '') continue;
    const value = line.slice(colon + 1).trim();
    if (key === 'user-agent') {
      if (!previousWasAgent) agents = [];
      if (value) agents.push(robotsAgentToken(value));
    } else if (key in RULE_KEYS) {
      // Only our token and `*` matter; the group's other names are dropped from its header.
      const relevant = [token, '*'].filter((agent) => agents.includes(agent));
      if (relevant.length > 0) {
        const header = relevant.join('\n');
        if (header !== emittedFor) {
          for (const agent of relevant) lines.push(`User-agent: ${agent}`);
          emittedFor = header;
        }
        lines.push(`${RULE_KEYS[key]}: ${value}`);
      }
    } else if (key === 'sitemap' && value) {
      sitemaps.push(`Sitemap: ${value}`);
    }
    previousWasAgent = key === 'user-agent';
  }
  return fitToCap(lines, sitemaps, token, maxBytes);
}

/** Keeps whole lines up to `maxBytes`: all rules first, then as many sitemaps as fit. */
function fitToCap(lines: string[], sitemaps: string[], token: string, maxBytes: number): CompactRobots {
  const rules = lines.join('\n');
  if (bytes(rules) <= maxBytes) {
    let size = bytes(rules);
    const kept: string[] = [];
    for (const sitemap of sitemaps) {
      if (size + bytes(sitemap) + 1 > maxBytes) break;
      kept.push(sitemap);
      size += bytes(sitemap) + 1;
    }
    const text = [rules, ...kept].filter(Boolean).join('\n');
    return { rules: text, sitemaps: kept.length, truncated: kept.length < sitemaps.length };
  }
  // Rules alone exceed the cap: keep the first lines, then close every kept agent's rule list
  // with `Disallow: /` (only agents already present, so `*` is never shadowed by a new token group).
  const seen = new Set<string>();
  const agentsOf = (line: string) => (line.startsWith('User-agent: ') ? line.slice('User-agent: '.length) : undefined);
  const tail = (present: Set<string>) => [...present].map((agent) => `User-agent: ${agent}\nDisallow: /`).join('\n');
  const budget = maxBytes - bytes(tail(new Set([token, '*']))) - 1;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + bytes(line) + 1 > budget) break;
    kept.push(line);
    size += bytes(line) + 1;
    const agent = agentsOf(line);
    if (agent !== undefined) seen.add(agent);
  }
  return { rules: [...kept, tail(seen)].filter(Boolean).join('\n'), sitemaps: 0, truncated: true };
}
