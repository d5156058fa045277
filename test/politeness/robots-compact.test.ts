/**
 * @module test/politeness/robots-compact
 * The compact robots.txt the fleet stores must answer exactly what the full file answers for
 * our agent (and `*`): generated files with robots-parser's edge cases (agent runs, groups
 * broken by other directives, rules before any agent, empty Disallow, comments, CRLF, versions
 * in agent names) compared path by path; and the size cap fails closed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactRobots, robotsAgentToken, ROBOTS_MAX_STORED_BYTES } from '../../worker/src/politeness/robots-compact.ts';
import { parseRobots } from '../../worker/src/politeness/robots-policy.ts';

const ORIGIN = 'http://127.0.0.2:8080';
const UA = 'QuarryBot/0.1';
const PATHS = ['/', '/a', '/a/b', '/ab', '/b', '/b/c?x=1', '/c', '/%E2%82%AC', '/x.html', '/a/x.html', '/private', '/private/1'];

const parse = (text: string) => parseRobots(ORIGIN, 'parsed', text);

/** `head` plus `line(i)` for i = 0, 1, … until the text reaches `bytes`. */
function fileOf(bytes: number, head: string[], line: (i: number) => string): string {
  const lines = [...head];
  for (let i = 0, size = head.join('\n').length; size < bytes; i++) {
    lines.push(line(i));
    size += lines.at(-1)!.length + 1;
  }
  return lines.join('\n');
}

function answers(text: string, agent: string) {
  const robots = parse(text);
  return { allowed: PATHS.map((path) => robots.isAllowed(`${ORIGIN}${path}`, agent)), delay: robots.getCrawlDelay(agent) };
}

const agentLine = fc.constantFrom('User-agent: QuarryBot', 'User-agent: quarrybot/2.0', 'user-agent:*', 'User-Agent: OtherBot', 'User-agent: ', 'User-agent: * # all');
const ruleLine = fc.tuple(
  fc.constantFrom('Disallow', 'Allow', 'disallow', 'ALLOW'),
  fc.constantFrom('', '/', '/a', '/a/', '/ab', '/b/*', '/*.html$', '/private', '/c$', '/€', '/a:b'),
).map(([key, value]) => `${key}: ${value}`);
const otherLine = fc.constantFrom(
  'Crawl-delay: 2', 'crawl-delay: 0.5', 'Crawl-delay: soon', 'Sitemap: https://x.test/s.xml', 'Host: x.test',
  'Noindex: /a', '# comment only', '', '   ', 'garbage without colon', ': no key',
);
const robotsFile = fc.array(fc.oneof({ weight: 3, arbitrary: agentLine }, { weight: 4, arbitrary: ruleLine }, { weight: 2, arbitrary: otherLine }), { maxLength: 40 })
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

describe('robots.txt compaction', () => {
  it('answers like the full file for our agent and for *, on generated files', () => {
    fc.assert(fc.property(robotsFile, (text) => {
      const { rules } = compactRobots(text, UA);
      expect(answers(rules, UA)).toEqual(answers(text, UA));
      expect(answers(rules, '*')).toEqual(answers(text, '*'));
      expect(parse(rules).getSitemaps()).toEqual(parse(text).getSitemaps());
    }), { numRuns: 2000 });
  });

  it('keeps only the groups for our token and *, plus sitemaps', () => {
    const text = [
      '# a big file', 'User-agent: Googlebot', 'Disallow: /g', '', 'User-agent: QuarryBot/9', 'User-agent: Bingbot', 'Disallow: /q', 'Crawl-delay: 3',
      '', 'User-agent: *', 'Disallow: /all', 'Sitemap: https://x.test/a.xml',
    ].join('\n');
    expect(compactRobots(text, UA)).toEqual({
      rules: 'User-agent: quarrybot\nDisallow: /q\nCrawl-delay: 3\nUser-agent: *\nDisallow: /all\nSitemap: https://x.test/a.xml',
      sitemaps: 1, truncated: false,
    });
    expect(robotsAgentToken('QuarryBot/0.1 (+https://quarry.test)')).toBe('quarrybot');
  });

  it('caps the stored size: sitemaps go first, then rules past the cap become Disallow: / (fail closed)', () => {
    const star = fileOf(500 * 1024, ['User-agent: *', 'Allow: /keep/'], (i) => `Disallow: /${'x'.repeat(40)}-${i}/`);
    const { rules, truncated } = compactRobots(star, UA);
    expect(Buffer.byteLength(rules)).toBeLessThanOrEqual(ROBOTS_MAX_STORED_BYTES);
    expect(truncated).toBe(true);
    const robots = parse(rules);
    expect(robots.isAllowed(`${ORIGIN}/keep/page`, UA)).toBe(true); // a kept, longer Allow still wins
    expect(robots.isAllowed(`${ORIGIN}/${'x'.repeat(40)}-9000/`, UA)).toBe(false); // a dropped rule's path
    expect(robots.isAllowed(`${ORIGIN}/${'x'.repeat(40)}-1/`, UA)).toBe(false); // a kept rule

    // Only other agents' groups: nothing applies to us, nothing is stored but sitemaps.
    const others = fileOf(500 * 1024, [], (i) => `User-agent: bot-${i}\nDisallow: /${i}\n`)
      + Array.from({ length: 5000 }, (_, i) => `\nSitemap: https://x.test/sitemap-${i}.xml`).join('');
    const compact = compactRobots(others, UA);
    expect(compact.rules.startsWith('Sitemap: ')).toBe(true);
    expect(Buffer.byteLength(compact.rules)).toBeLessThanOrEqual(ROBOTS_MAX_STORED_BYTES);
    expect(compact).toMatchObject({ truncated: true });
    expect(compact.sitemaps).toBeGreaterThan(1000);
    expect(parse(compact.rules).isAllowed(`${ORIGIN}/1`, UA)).toBe(true);

    // Rules for our token past the cap: its own list ends in Disallow: /, and * still does not apply to us.
    const ours = fileOf(100 * 1024, ['User-agent: *', 'Disallow: /ok/', 'User-agent: quarrybot', 'Allow: /ok/'], (i) => `Disallow: /${'z'.repeat(40)}-${i}/`);
    const cut = parse(compactRobots(ours, UA).rules);
    expect(cut.isAllowed(`${ORIGIN}/ok/1`, UA)).toBe(true); // our Allow, not *'s Disallow
    expect(cut.isAllowed(`${ORIGIN}/other`, UA)).toBe(false); // allowed by the full file, unknown past the cap
    expect(parse(ours).isAllowed(`${ORIGIN}/other`, UA)).toBe(true);
  });
});
