/**
 * @module test/worker/streaming-extract.property
 * The streaming extractor must answer exactly what cheerio answers: generated messy documents
 * (implied end tags, stray closes, void elements, entities, comments, scripts) and generated
 * selectors, compared rule by rule. Selectors the plan cannot run must fall back, not guess.
 * Both paths are also held to plain cheerio (`$(selector)`, `.text()`, `.attr()`), the oracle,
 * and a run that pauses after every element answers what an uninterrupted one does.
 */
import { load } from 'cheerio/slim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedExtractRule } from '../../shared/job-schema.ts';
import { extractFromHtml, extractWithDom } from '../../worker/src/extract/extract-fields.ts';
import { cleanText, type Extracted, type ExtractedPage } from '../../worker/src/extract/extracted-page.ts';
import { compileSelectorPlan } from '../../worker/src/extract/selector-plan.ts';
import { streamExtract } from '../../worker/src/extract/streaming-extract.ts';
import { renderPage } from '../support/test-site-pages.ts';

// Common tags repeated so selectors meet them; the rest bring the parser's special cases.
const TAGS = [
  'div', 'div', 'div', 'div', 'p', 'p', 'a', 'a', 'a', 'span', 'span', 'li', 'b', 'DIV',
  'ul', 'h1', 'title', 'table', 'tr', 'td', 'br', 'img', 'input', 'option', 'script',
  'style', 'textarea', 'xmp',
];
const attribute = fc.oneof(
  fc.constantFrom('a', 'b', 'price', 'link', 'a b', ' price  link ', 'A', '').map((value) => `class="${value}"`),
  fc.constantFrom('x', 'y', 'X').map((value) => `id="${value}"`),
  fc.constantFrom('/p/1', '/q', '#top', 'http://127.0.0.2/x', '/p/1?a=1&amp;b=2', '/q?x&copy=1', '/p&#x2f;x').map((value) => `href="${value}"`),
  fc.constantFrom('a&#32;b', 'pr&#105;ce', '&amp;').map((value) => `class="${value}"`),
  fc.constantFrom('text', 'TEXT', 'radio', 'en-US').map((value) => `type="${value}"`),
  fc.constantFrom('en', 'en-US', 'EN').map((value) => `lang="${value}"`),
  fc.constantFrom('v', 'V', 'v w').map((value) => `data-k="${value}"`),
  fc.constant('checked'),
  fc.constant('HREF="/upper"'),
);
const text = fc.constantFrom('hello', '  spaced \n out ', 'a&amp;b', 'x&nbsp;y', '', '<!-- c -->', '1 < 2', '&lt;b&gt;', 'AT&T &amp c', '&#x41;&#66;', '&notin; &notit;');

const element: fc.Memo<string> = fc.memo((depth) => fc.tuple(
  fc.constantFrom(...TAGS), fc.array(attribute, { maxLength: 3 }), fc.array(depth > 1 ? fc.oneof(text, element(depth - 1)) : text, { maxLength: 4 }),
  fc.constantFrom('close', 'close', 'open', 'stray'),
).map(([tag, attrs, children, end]) => {
  const open = `<${tag}${attrs.map((attr) => ` ${attr}`).join('')}>`;
  const tail = end === 'close' ? `</${tag}>` : end === 'stray' ? '</b></span>' : '';
  return open + children.join('') + tail;
}));
const documentArb = fc.array(fc.oneof(element(5), text), { minLength: 1, maxLength: 5 }).map((parts) => `<!doctype html><html><head><title> T </title></head><body>${parts.join('')}</body></html>`);

// Mostly plain tags, so combinators actually meet matching elements; attribute parts now and then.
const PARTS = ['.a', '.b', '.price', '.A', '#x', '#X', '[href]', '[href^="/p"]', '[href$="x"]', '[href*="p/"]', '[type=text]', '[type=text s]', '[TYPE="radio" i]', '[lang|=en]', '[data-k~=v]', '[data-k=V i]', '[checked]', '[HREF]'];
const TAG_PARTS = ['div', 'p', 'a', 'li', 'td', 'span', 'b', 'DIV', '*', 'input'];
const compound = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TAG_PARTS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TAG_PARTS), fc.constantFrom(...PARTS)).map(([tag, part]) => tag + part) },
  { weight: 1, arbitrary: fc.constantFrom(...PARTS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PARTS), fc.constantFrom(...PARTS)).map(([a, b]) => a + b) },
);
const selectorArb = fc.array(fc.tuple(compound, fc.constantFrom(' ', ' > ')), { minLength: 1, maxLength: 3 })
  .map((steps) => steps.map(([part, combinator], index) => (index === steps.length - 1 ? part : part + combinator)).join(''))
  .chain((first) => fc.option(compound, { nil: undefined }).map((other) => (other ? `${first}, ${other}` : first)));
const ruleArb: fc.Arbitrary<NormalizedExtractRule> = fc.record({
  selector: selectorArb, all: fc.boolean(), attr: fc.constantFrom(undefined, 'href', 'class', 'id', 'HREF'),
}).map(({ selector, all, attr }) => ({ name: 'r', selector, all, ...(attr ? { attr } : {}) }));

/** What cheerio answers, rule by rule: the meaning both extraction paths must keep. */
function cheerioOracle(html: string, rules: readonly NormalizedExtractRule[]): ExtractedPage {
  const $ = load(html);
  const extract: Extracted = {};
  for (const rule of rules) {
    const matches = $(rule.selector);
    const { attr } = rule;
    if (!rule.all) {
      const first = matches.first();
      extract[rule.name] = first.length === 0 ? null : attr === undefined ? cleanText(first.text()) : (first.attr(attr) ?? null);
    } else {
      extract[rule.name] = matches.toArray().flatMap((element) => {
        if (attr === undefined) return [cleanText($(element).text())];
        const value = $(element).attr(attr);
        return value === undefined ? [] : [value];
      });
    }
  }
  const title = $('title').first();
  return { title: title.length === 0 ? null : cleanText(title.text()), extract };
}

const named = (rules: readonly NormalizedExtractRule[]) => rules.map((rule, index) => ({ ...rule, name: `r${index}` }));

// Selectors only the DOM path runs: pseudo-classes (cheerio's positional ones too), sibling combinators.
const PSEUDOS = [':first-child', ':last-child', ':nth-child(2n+1)', ':nth-last-child(2)', ':only-child', ':first-of-type', ':empty',
  ':not(.a)', ':has(> a)', ':has(span)', ':is(p, li)', ':has(:not(b))', ':contains(hello)', ':first', ':eq(1)', ':last'];
const domSelectorArb = fc.oneof(
  fc.tuple(fc.constantFrom(...TAG_PARTS), fc.constantFrom(...PSEUDOS)).map(([tag, pseudo]) => tag + pseudo),
  fc.tuple(compound, fc.constantFrom(' + ', ' ~ '), compound).map(([a, combinator, b]) => a + combinator + b),
  fc.tuple(compound, fc.constantFrom(' ', ' > '), fc.constantFrom(...TAG_PARTS), fc.constantFrom(...PSEUDOS)).map(([a, combinator, tag, pseudo]) => a + combinator + tag + pseudo),
);
const domRuleArb: fc.Arbitrary<NormalizedExtractRule> = fc.record({
  selector: domSelectorArb, all: fc.boolean(), attr: fc.constantFrom(undefined, 'href', 'class'),
}).map(({ selector, all, attr }) => ({ name: 'r', selector, all, ...(attr ? { attr } : {}) }));

describe('streaming extraction', () => {
  it('answers every supported rule exactly as cheerio does', () => {
    fc.assert(fc.property(documentArb, fc.array(ruleArb, { minLength: 1, maxLength: 3 }), (html, rawRules) => {
      const rules = named(rawRules);
      const streamed = streamExtract(html, rules);
      expect(streamed).not.toBeNull(); // every generated selector is in the supported subset
      expect(streamed).toEqual(extractWithDom(html, rules));
      expect(streamed).toEqual(cheerioOracle(html, rules));
    }), { numRuns: 1500 });
  });

  it('answers pseudo-class and sibling rules on the DOM path exactly as cheerio does', () => {
    fc.assert(fc.property(documentArb, fc.array(domRuleArb, { minLength: 1, maxLength: 3 }), (html, rawRules) => {
      const rules = named(rawRules);
      expect(extractWithDom(html, rules)).toEqual(cheerioOracle(html, rules));
    }), { numRuns: 700 });
  });

  it('answers the same when it pauses for the event loop after every element, on either path', async () => {
    await fc.assert(fc.asyncProperty(documentArb, fc.array(fc.oneof(ruleArb, domRuleArb), { minLength: 1, maxLength: 3 }), async (html, rawRules) => {
      const rules = named(rawRules);
      expect(await extractFromHtml(html, rules, { sliceMs: 0, checkEvery: 1 })).toEqual(cheerioOracle(html, rules));
    }), { numRuns: 300 });
  });

  it('reads the test site page the same way, and stops early only when nothing more can change', () => {
    const rules: NormalizedExtractRule[] = [{ name: 'h1', selector: 'h1', all: false }, { name: 'links', selector: 'ul.links a', all: true, attr: 'href' }];
    expect(streamExtract(renderPage(3), rules)).toEqual(extractWithDom(renderPage(3), rules));
    const firstOnly = [{ name: 'h1', selector: 'h1', all: false }];
    expect(streamExtract(renderPage(3), firstOnly)).toEqual(extractWithDom(renderPage(3), firstOnly));
  });

  it('leaves what it cannot run to the DOM path, which gives the same answer or the same error', async () => {
    for (const selector of ['li:first-child', 'h1 + p', 'a ~ b', 'svg|a', ':not(p)', 'p::before', '[data-k!=v]', '[class~=""]']) {
      expect(compileSelectorPlan(selector), selector).toBeNull();
    }
    const html = '<ul><li>1</li><li>2</li></ul><input type="checkbox" checked>';
    const rules: NormalizedExtractRule[] = [{ name: 'first', selector: 'li:first-child', all: false }];
    expect(streamExtract(html, rules)).toBeNull();
    expect((await extractFromHtml(html, rules)).extract).toEqual({ first: '1' });
    // cheerio reads boolean attributes and `value` like DOM properties: those rules stay on it.
    const checked: NormalizedExtractRule[] = [{ name: 'c', selector: 'input', all: false, attr: 'checked' }, { name: 'v', selector: 'input', all: false, attr: 'value' }];
    expect(streamExtract(html, checked)).toBeNull();
    expect((await extractFromHtml(html, checked)).extract).toEqual({ c: 'checked', v: 'on' });
  });
});
