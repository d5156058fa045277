/**
 * Scope, path patterns (RE2: linear time, bad patterns refused naming the field) and the
 * canonical form a crawl dedupes and fetches URLs in (the dedupe window's rules).
 */
import { describe, expect, it } from 'vitest';
import { createCrawlScope, crawlRequestSchema, crawlSeeds, mapRequestSchema } from '../../shared/crawls/index.ts';

const base = { seeds: ['http://127.0.0.2:8080/', 'https://docs.example.com/start'], allowSubdomains: false, allowExternalLinks: false, ignoreQueryParameters: false, canonical: { sortQuery: true, dropParams: ['utm_*', 'fbclid'] } };

describe('canonical form', () => {
  const scope = createCrawlScope(base);
  it('drops the fragment, tracking parameters, credentials and default port; sorts the query', () => {
    expect(scope.canonical('HTTP://User:pw@Docs.Example.com:443/a/../b?z=1&utm_source=x&a=2#frag')).toBe('http://docs.example.com:443/b?a=2&z=1');
    expect(scope.canonical('https://docs.example.com:443/b?fbclid=1#x')).toBe('https://docs.example.com/b');
    expect(scope.canonical('http://127.0.0.2:8080/p/1#top')).toBe(scope.canonical('http://127.0.0.2:8080/p/1?utm_medium=mail'));
  });
  it('refuses what a crawl cannot fetch', () => {
    expect(scope.canonical('mailto:a@b.c')).toBeNull();
    expect(scope.canonical('javascript:alert(1)')).toBeNull();
    expect(scope.canonical(`http://127.0.0.2/${'x'.repeat(3000)}`)).toBeNull();
  });
  it('drops the whole query with ignoreQueryParameters', () => {
    expect(createCrawlScope({ ...base, ignoreQueryParameters: true }).canonical('http://127.0.0.2:8080/p?id=3')).toBe('http://127.0.0.2:8080/p');
  });
});

describe('scope', () => {
  it('keeps the seeds\' hosts, any port and scheme of them', () => {
    const scope = createCrawlScope(base);
    expect(scope.verdict('http://127.0.0.2:8080/x')).toBe('in');
    expect(scope.verdict('http://docs.example.com/x')).toBe('in');
    expect(scope.verdict('http://127.0.0.3:8080/x')).toBe('host');
    expect(scope.verdict('http://api.docs.example.com/x')).toBe('host');
  });
  it('allowSubdomains adds subdomains of a seed host (not siblings); allowExternalLinks any host', () => {
    const subs = createCrawlScope({ ...base, allowSubdomains: true });
    expect(subs.verdict('http://api.docs.example.com/x')).toBe('in');
    expect(subs.verdict('http://example.com/x')).toBe('host');
    expect(subs.verdict('http://evildocs.example.com/x')).toBe('host');
    expect(createCrawlScope({ ...base, allowExternalLinks: true }).verdict('http://elsewhere.test/x')).toBe('in');
  });
  it('includePaths must match the path, excludePaths wins', () => {
    const scope = createCrawlScope({ ...base, includePaths: ['^/blog/', '^/docs/'], excludePaths: ['/drafts?/'] });
    expect(scope.verdict('http://127.0.0.2:8080/blog/a')).toBe('in');
    expect(scope.verdict('http://127.0.0.2:8080/shop/a')).toBe('path');
    expect(scope.verdict('http://127.0.0.2:8080/blog/draft/a')).toBe('path');
    // Patterns see the path only: the query cannot smuggle a match in.
    expect(scope.verdict('http://127.0.0.2:8080/shop?x=/blog/')).toBe('path');
  });
  it('matches in linear time on a path built to make a backtracking engine explode', () => {
    const scope = createCrawlScope({ ...base, includePaths: ['^/(a|aa)+$', '(x+x+)+y'] });
    const started = performance.now();
    expect(scope.verdict(`http://127.0.0.2:8080/${'a'.repeat(2000)}!`)).toBe('path');
    expect(scope.verdict(`http://127.0.0.2:8080/${'x'.repeat(2000)}`)).toBe('path');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('crawl request validation', () => {
  const issues = (input: unknown) => {
    const parsed = crawlRequestSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };
  it('applies defaults and validates scrape with the job schema', () => {
    const parsed = crawlRequestSchema.parse({ url: 'https://example.com/' });
    expect(parsed).toMatchObject({ limit: 1000, maxDepth: 10, sitemap: 'include', allowSubdomains: false, scrape: { mode: 'http', extract: {} } });
    expect(issues({ url: 'https://example.com/', scrape: { waitFor: '#x' } })).toEqual(['scrape.waitFor: waitFor needs mode "browser": a plain HTTP fetch runs no JavaScript to wait for']);
    expect(crawlSeeds(crawlRequestSchema.parse({ urls: ['https://a.test/', 'https://a.test/', 'https://b.test/'] }))).toEqual(['https://a.test/', 'https://b.test/']);
  });
  it('names the field of each mistake', () => {
    expect(issues({ url: 'https://example.com/', limit: -1 })[0]).toMatch(/^limit: must be at least 1/);
    expect(issues({ url: 'https://example.com/', limit: 1_000_001 })[0]).toMatch(/^limit:/);
    expect(issues({ url: 'https://example.com/', maxDepth: -2 })[0]).toMatch(/^maxDepth:/);
    expect(issues({})[0]).toMatch(/^url: send exactly one/);
    expect(issues({ url: 'https://a.test/', urls: ['https://b.test/'] })[0]).toMatch(/^url:/);
    expect(issues({ url: 'https://a.test/', events: ['crawl.page'] })[0]).toMatch(/^events: events need a callbackUrl/);
    expect(issues({ url: 'https://a.test/', sitemap: 'sometimes' })[0]).toMatch(/^sitemap:/);
  });
  it('refuses invalid regexes and ones RE2 cannot run in linear time, naming the pattern', () => {
    expect(issues({ url: 'https://a.test/', includePaths: ['[a-'] })[0]).toMatch(/^includePaths\.0: is not a regular expression .*missing closing \]/);
    expect(issues({ url: 'https://a.test/', excludePaths: ['ok', '(a)\\1'] })[0]).toMatch(/^excludePaths\.1: .*backreferences/);
    expect(issues({ url: 'https://a.test/', includePaths: ['(?<=x)y'] })[0]).toMatch(/^includePaths\.0:/);
    expect(issues({ url: 'https://a.test/', includePaths: ['((a{100}){100}){100}'] })[0]).toMatch(/^includePaths\.0: .*invalid repeat count/);
    expect(issues({ url: 'https://a.test/', includePaths: ['x'.repeat(300)] })[0]).toMatch(/^includePaths\.0: must be at most 256/);
  });
  it('map requests', () => {
    expect(mapRequestSchema.parse({ url: 'https://a.test/' })).toMatchObject({ limit: 5000, includeSubdomains: false, sitemap: 'include' });
    expect(mapRequestSchema.safeParse({ url: 'https://a.test/', limit: 0 }).success).toBe(false);
  });
});
