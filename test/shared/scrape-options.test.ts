/**
 * The scrape options: one shape, one set of cross-field rules, composed into the job request.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { checkScrapeOptions, isStreamableSelector, scrapeOptionsSchema, scrapeOptionsShape } from '../../shared/scrape-options/index.ts';
import { compileSelectorPlan } from '../../worker/src/extract/selector-plan.ts';

const url = 'https://example.com/';
const issues = (input: unknown) => {
  const parsed = jobRequestSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('formats', () => {
  it('accepts every page format and the browser formats in browser mode', () => {
    const request = jobRequestSchema.parse({
      url, mode: 'browser',
      formats: ['markdown', 'html', 'rawHtml', 'links', 'metadata', { type: 'screenshot', fullPage: true, quality: 80, viewport: { width: 1280, height: 800 } }, { type: 'pdf' }],
      onlyMainContent: true, includeTags: ['article', 'div.post > p'], excludeTags: ['.ad', '[data-share]'],
    });
    expect(request.formats).toHaveLength(7);
    expect(request.includeTags).toEqual(['article', 'div.post > p']);
  });

  it('leaves the default request as it was: no formats, no new fields', () => {
    expect(jobRequestSchema.parse({ url })).toEqual({ url, mode: 'http', extract: {}, timeoutMs: 30_000, priority: 0, delayMs: 0, attempts: 3 });
  });

  it('refuses screenshots and PDFs in http mode with a message that says to use the browser', () => {
    expect(issues({ url, formats: ['markdown', { type: 'screenshot' }] })).toEqual([
      'formats.1: "screenshot" needs mode "browser": a plain HTTP fetch renders nothing to capture; set "mode": "browser"',
    ]);
    expect(issues({ url, mode: 'http', formats: [{ type: 'pdf' }] })).toEqual([
      'formats.0: "pdf" needs mode "browser": a plain HTTP fetch renders nothing to print; set "mode": "browser"',
    ]);
  });

  it('names unknown formats, bad screenshot options and repeats', () => {
    expect(issues({ url, formats: ['md'] })).toEqual(['formats.0: must be "markdown", "html", "rawHtml", "links", "metadata", {"type": "screenshot", …} or {"type": "pdf"}']);
    expect(issues({ url, mode: 'browser', formats: [{ type: 'screenshot', quality: 101 }] })).toEqual(['formats.0.quality: Too big: expected number to be <=100']);
    expect(issues({ url, mode: 'browser', formats: [{ type: 'screenshot', viewport: { width: 99_999, height: 800 } }] })[0]).toMatch(/^formats\.0\.viewport\.width: Too big/);
    expect(issues({ url, mode: 'browser', formats: [{ type: 'pdf', scale: 2 }] })).toEqual(['formats.0: Unrecognized key: "scale"']);
    expect(issues({ url, formats: ['links', 'links'] })).toEqual(['formats.1: lists "links" twice: name each format once']);
    expect(issues({ url, formats: [] })).toEqual(['formats: must name at least one format (leave it out for the default result)']);
  });

  it('refuses narrowing options that would narrow nothing', () => {
    expect(issues({ url, onlyMainContent: true })).toEqual(['onlyMainContent: onlyMainContent narrows the "markdown" and "html" formats: add one of them to formats, or leave onlyMainContent out']);
    expect(issues({ url, formats: ['links'], excludeTags: ['nav'] })).toEqual(['excludeTags: excludeTags narrows the "markdown" and "html" formats: add one of them to formats, or leave excludeTags out']);
    expect(issues({ url, formats: ['html'], excludeTags: ['nav'] })).toEqual([]);
  });

  it('validates narrowing selectors like extract selectors, and only streamable ones', () => {
    expect(issues({ url, formats: ['markdown'], includeTags: ['h1[['] })).toEqual(['includeTags.0: is not a valid CSS selector']);
    expect(issues({ url, formats: ['markdown'], excludeTags: ['li:nth-child(2)'] })[0]).toMatch(/^excludeTags\.0: must use only tags, \*, #id, \.class, \[attribute\] tests/);
    expect(issues({ url, formats: ['markdown'], excludeTags: ['h2 + p'] })[0]).toMatch(/^excludeTags\.0: must use only/);
    expect(issues({ url, formats: ['markdown'], excludeTags: Array.from({ length: 51 }, () => 'nav') })).toEqual(['excludeTags: must hold at most 50 selectors']);
  });
});

describe('streamable selectors', () => {
  it('are exactly the ones the worker\'s streaming matcher compiles', () => {
    const selectors = [
      'nav', '*', '#main', '.a.b', 'div > p', 'main article  p', '[data-x]', '[lang|=en]', '[class~=x]', '[href^=http]', '[href$=".pdf"]', '[title*=ad i]',
      'a, b > c', 'div:first-child', 'a + b', 'a ~ b', 'p:not(.x)', '::before', '[x!=y]', '[class~=""]', 'svg|rect', '> a', 'a >', ':scope > a',
    ];
    for (const selector of selectors) expect(isStreamableSelector(selector), selector).toBe(compileSelectorPlan(selector) !== null);
  });
});

describe('composition', () => {
  it('runs the same rules for scrape options alone (a crawl\'s scrape) as inside a job', () => {
    const alone = scrapeOptionsSchema.safeParse({ formats: [{ type: 'pdf' }] });
    expect(alone.success).toBe(false);
    expect(alone.error!.issues[0]!.message).toMatch(/"pdf" needs mode "browser"/);
    expect(scrapeOptionsSchema.parse({ waitFor: '#x', mode: 'browser' })).toMatchObject({ mode: 'browser', waitFor: '#x', extract: {} });
  });

  it('lets another schema add fields by spreading the shape and reusing the check', () => {
    const crawlLike = z.strictObject({ ...scrapeOptionsShape, maxDepth: z.int().min(0) }).superRefine(checkScrapeOptions);
    expect(crawlLike.safeParse({ maxDepth: 1, waitFor: '#x' }).error!.issues[0]!.path).toEqual(['waitFor']);
    expect(crawlLike.parse({ maxDepth: 2 })).toMatchObject({ maxDepth: 2, mode: 'http' });
  });
});
