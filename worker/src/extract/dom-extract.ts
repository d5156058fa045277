/**
 * @module worker/extract/dom-extract
 * The DOM path, for rules the streaming matcher cannot run (pseudo-classes, sibling
 * combinators, DOM-property attributes): cheerio's answers, with every cost bounded.
 *
 * - The DOM is built by htmlparser2 + domhandler (what `cheerio/slim`'s `load` does) in 64 KiB
 *   writes, yielding between them when the time slice is up; pages nested deeper than
 *   MAX_DOM_DEPTH are refused (css-select's and domutils' traversals cost O(depth) per element
 *   there; Chromium's parser itself stops nesting at 512).
 * - Each rule is selected as `$(selector)` does, through a counting adapter whose operations
 *   count against the page's budget. A plain selector is compiled by css-select and tested
 *   element by element in document order, yielding when the time slice is up; one element's
 *   test may do at most `maxSyncWork` operations. A selector with cheerio's positional
 *   pseudo-classes (`:first`, `:eq(n)`…) needs cheerio-select's whole-set query, which cannot be
 *   split: it may do at most `maxSyncWork` operations in all.
 * - Text is collected in one document-order walk for all rules at once (text-capture.ts)
 *   instead of `$(el).text()` per match, which re-reads nested matches' text again and again.
 */
import { select } from 'cheerio-select';
import { load } from 'cheerio/slim';
import { _compileUnsafe as compileQuery, prepareContext } from 'css-select';
import { parse, type Selector } from 'css-what';
import { DomHandler, hasChildren, isTag, isText, type AnyNode, type Document, type Element } from 'domhandler';
import * as DomUtils from 'domutils';
import { Parser } from 'htmlparser2';
import type { NormalizedExtractRule } from '../../../shared/job-schema.ts';
import { ExtractionTooComplexError, InvalidSelectorError } from '../errors/index.ts';
import { countingAdapter, type DomAdapter } from './counting-adapter.ts';
import { OutputMeter, type WorkMeter } from './extract-budget.ts';
import type { Extracted, ExtractedPage } from './extracted-page.ts';
import { TextCapture } from './text-capture.ts';

/** Deepest element nesting the DOM path accepts. */
export const MAX_DOM_DEPTH = 4_096;
const WRITE_CHUNK = 64 * 1024;
/** Selectors starting with a sibling combinator are matched against the root itself, as cheerio does. */
const CONTEXT_SELECTOR = /^\s*[+~]/;

/** domhandler that refuses to nest deeper than MAX_DOM_DEPTH. */
class BoundedDomHandler extends DomHandler {
  private depth = 0;
  override onopentag(name: string, attribs: Record<string, string>): void {
    this.depth += 1;
    if (this.depth > MAX_DOM_DEPTH) {
      throw new ExtractionTooComplexError('levels of element nesting', MAX_DOM_DEPTH, 'pseudo-class and sibling selectors need a DOM, and this page nests deeper');
    }
    super.onopentag(name, attribs);
  }
  override onclosetag(): void {
    this.depth -= 1;
    super.onclosetag();
  }
}

function* buildDocument(html: string, meter: WorkMeter): Generator<void, Document> {
  const handler = new BoundedDomHandler();
  const parser = new Parser(handler);
  for (let offset = 0; offset < html.length; offset += WRITE_CHUNK) {
    parser.write(html.slice(offset, offset + WRITE_CHUNK));
    if (meter.timeUp()) {
      yield;
      meter.startSlice();
    }
  }
  parser.end();
  return handler.root;
}

/** cheerio-select's positional pseudo-classes (its `isFilter`): they select from the whole match set. */
const POSITIONAL = new Set(['first', 'last', 'eq', 'gt', 'nth', 'lt', 'even', 'odd']);
const isPositional = (token: Selector): boolean => token.type === 'pseudo'
  && (POSITIONAL.has(token.name) || (token.name === 'not' && Array.isArray(token.data) && token.data.some((inner) => inner.some(isPositional))));

function invalid(selector: string, error: unknown): never {
  if (error instanceof ExtractionTooComplexError) throw error;
  throw new InvalidSelectorError(selector, error);
}

/** `$(selector)` of cheerio: what cheerio-select's `select` does, with the counting adapter, in slices. */
function* selectElements(document: Document, selector: string, adapter: DomAdapter, meter: WorkMeter): Generator<void, Element[]> {
  const roots: AnyNode[] = CONTEXT_SELECTOR.test(selector) ? [document] : document.children.filter(isTag);
  const options = { context: [document], root: document, adapter };
  const detail = `selector ${JSON.stringify(selector)}`;
  let positional: boolean;
  try {
    positional = parse(selector).some((tokens) => tokens.some(isPositional));
  } catch (error) {
    invalid(selector, error);
  }
  if (positional) {
    try {
      return meter.withinSync(detail, () => select(selector, roots, options));
    } catch (error) {
      invalid(selector, error);
    }
  }
  let query: ReturnType<typeof compileQuery<AnyNode, Element>>;
  try {
    query = compileQuery<AnyNode, Element>(selector, options, roots);
  } catch (error) {
    invalid(selector, error);
  }
  // cheerio-select: the roots (plus their next siblings for `+`/`~` first) and all their descendants, in document order.
  const start = prepareContext(roots, DomUtils, query.shouldTestNextSiblings);
  const found: Element[] = [];
  const stack: AnyNode[] = [...start].reverse();
  try {
    while (stack.length > 0) {
      const node = stack.pop()!;
      meter.work += 1;
      if (isTag(node)) {
        meter.startSync(detail);
        if (query(node)) found.push(node);
      }
      if (hasChildren(node)) for (let index = node.children.length - 1; index >= 0; index -= 1) stack.push(node.children[index]!);
      if (meter.tick()) {
        yield;
        meter.startSlice();
      }
    }
  } finally {
    meter.endSync();
  }
  return found;
}

/**
 * Attributes cheerio's attr() answers like DOM properties (a boolean attribute reads as its own
 * name, `value` of an option as its text): asked of cheerio. Others are read from the markup,
 * which is what attr() does for them, without a cheerio object per element.
 */
const DOM_PROPERTY_ATTRIBUTE = /^(?:value|autofocus|autoplay|async|checked|controls|defer|disabled|hidden|loop|multiple|open|readonly|required|scoped|selected)$/i;

function readAttribute($: ReturnType<typeof load>, element: Element, name: string): string | undefined {
  if (DOM_PROPERTY_ATTRIBUTE.test(name)) return $(element).attr(name);
  return Object.prototype.hasOwnProperty.call(element.attribs, name) ? element.attribs[name] : undefined;
}

interface Wanted {
  values: Array<string | null>;
  slot: number;
}

/** Walks the document once, capturing the text of every element in `wanted`. */
function* collectText(document: Document, wanted: Map<Element, Wanted[]>, captures: TextCapture, meter: WorkMeter): Generator<void, void> {
  // Explicit stack: deep pages must not overflow the call stack. A null entry closes the element below it.
  const stack: Array<AnyNode | null> = [...document.children].reverse();
  const open: Element[] = [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    meter.work += 1;
    if (meter.tick()) {
      yield;
      meter.startSlice();
    }
    if (node === null) {
      if (captures.active) captures.end(open.length);
      open.pop();
      continue;
    }
    if (isText(node)) {
      if (captures.active) captures.text(node.data);
      continue;
    }
    if (!hasChildren(node)) continue; // comments, processing instructions
    if (isTag(node)) {
      open.push(node);
      for (const { values, slot } of wanted.get(node) ?? []) captures.start(open.length, values, slot);
      stack.push(null);
    }
    for (let index = node.children.length - 1; index >= 0; index -= 1) stack.push(node.children[index]!);
  }
}

/** The page's title and rules through the DOM, as a generator that yields at its pauses. */
export function* domExtractSteps(html: string, rules: readonly NormalizedExtractRule[], meter: WorkMeter): Generator<void, ExtractedPage> {
  const document = yield* buildDocument(html, meter);
  const $ = load(document);
  const adapter = countingAdapter(meter);
  const output = new OutputMeter(meter.limits.maxResultBytes);
  const wanted = new Map<Element, Wanted[]>();
  const want = (element: Element, values: Array<string | null>) => {
    const list = wanted.get(element);
    const entry = { values, slot: values.length };
    if (list) list.push(entry);
    else wanted.set(element, [entry]);
    values.push(null);
  };

  const titleValues: Array<string | null> = [];
  const [titleElement] = yield* selectElements(document, 'title', adapter, meter);
  if (titleElement) want(titleElement, titleValues);
  const results: Array<[NormalizedExtractRule, Array<string | null>]> = [];
  for (const rule of rules) {
    if (meter.timeUp()) {
      yield;
      meter.startSlice();
    }
    const matches = yield* selectElements(document, rule.selector, adapter, meter);
    const values: Array<string | null> = [];
    results.push([rule, values]);
    const { attr } = rule;
    for (const element of rule.all ? matches : matches.slice(0, 1)) {
      meter.work += 1;
      if (meter.tick()) {
        yield;
        meter.startSlice();
      }
      if (attr === undefined) {
        want(element, values);
        continue;
      }
      const value = readAttribute($, element, attr);
      if (value !== undefined) output.add(value.length);
      // Collecting all: elements without the attribute are skipped (`links[]` of anchors without href is noise).
      if (value !== undefined || !rule.all) values.push(value ?? null);
    }
  }

  if (wanted.size > 0) yield* collectText(document, wanted, new TextCapture(output), meter);

  const extract: Extracted = {};
  for (const [rule, values] of results) extract[rule.name] = rule.all ? (values as string[]) : (values[0] ?? null);
  const page = { title: titleValues[0] ?? null, extract };
  yield* output.final(page, meter);
  return page;
}
