/**
 * @module worker/formats/html-rewriter
 * One streaming pass that rewrites a page's HTML without building a DOM: keeps only included
 * elements, drops excluded ones, and (for the `html` format) removes scripts, styles, comments
 * and event handlers and makes URLs absolute. Selectors are matched on the open element and its
 * ancestors by the extractor's streaming matcher (worker/src/extract/selector-plan.ts), which
 * the edge's schema guarantees can compile them (shared/scrape-options/selectors.ts).
 *
 * Entities are not decoded by the tokenizer: text and attribute values are written back as they
 * came, and only values that are matched or resolved are decoded. htmlparser2's implied end
 * tags are written out, so the output is well-formed and a browser builds the same tree from it.
 */
import { decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';
import { AncestorMatcher } from '../extract/ancestor-matcher.ts';
import { DEFAULT_EXTRACT_LIMITS } from '../extract/extract-budget.ts';
import type { SelectorPlan } from '../extract/selector-plan.ts';
import type { FormatContext } from './define-format.ts';
import { FormatInputTooDeepError } from './format-errors.ts';
import { writeInSlices } from './html-input.ts';
import { OutputBuffer } from './output-buffer.ts';
import { isScriptUrl, resolveUrl } from './urls.ts';

export interface RewriteOptions {
  /** Keep only elements matching this plan (with everything inside them); null keeps the document. */
  include: SelectorPlan | null;
  /** Drop elements matching this plan, with everything inside them. */
  exclude: SelectorPlan | null;
  /** Remove scripts, styles, comments and event handlers, and resolve URLs against `base`. */
  clean: { base: string } | null;
  /** Leave out `<head>` and `<title>` (nothing in them renders as content). */
  dropHead: boolean;
}

export interface RewriteResult {
  html: string;
  /** How many elements `include` matched (0 = nothing kept). */
  included: number;
}

const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Never part of cleaned HTML: code, styling, and elements that only mean something to a script. */
const CLEAN_DROPS = new Set(['script', 'style', 'noscript', 'template', 'base']);
const RESOURCE_HINT = /(^|\s)(stylesheet|preload|modulepreload|prefetch|preconnect|dns-prefetch)(\s|$)/i;
/** Attributes holding one URL. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite', 'background', 'longdesc', 'xlink:href', 'manifest']);
/** Attributes holding a srcset (URL + descriptor, comma-separated). */
const SRCSET_ATTRIBUTES = new Set(['srcset', 'imagesrcset']);

const decode = (value: string) => (value.includes('&') ? decodeHTMLAttribute(value) : value);
const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** An attribute value as it came: quoted so that it still parses to the same value. */
function rawAttribute(name: string, raw: string): string {
  if (raw === '') return ` ${name}`;
  if (!raw.includes('"')) return ` ${name}="${raw}"`;
  if (!raw.includes("'")) return ` ${name}='${raw}'`;
  return ` ${name}="${raw.replace(/"/g, '&quot;')}"`;
}

function resolveSrcset(value: string, base: string): string {
  return value
    .split(/,(?=\s)|,$/)
    .map((candidate) => {
      const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
      const resolved = url ? resolveUrl(url, base)?.href ?? url : url;
      return [resolved, ...descriptor].join(' ');
    })
    .filter(Boolean)
    .join(', ');
}

function cleanAttributes(tag: string, attribs: Record<string, string>, base: string): string {
  let out = '';
  for (const name in attribs) {
    const raw = attribs[name]!;
    // Event handlers and inline styles go; so does srcdoc (a whole document, scripts included).
    if (name.startsWith('on') || name === 'style' || name === 'srcdoc') continue;
    if (URL_ATTRIBUTES.has(name) || (name === 'data' && tag === 'object')) {
      const value = decode(raw);
      if (isScriptUrl(value)) continue;
      out += ` ${name}="${escapeAttribute(resolveUrl(value, base)?.href ?? value)}"`;
    } else if (SRCSET_ATTRIBUTES.has(name)) {
      out += ` ${name}="${escapeAttribute(resolveSrcset(decode(raw), base))}"`;
    } else {
      out += rawAttribute(name, raw);
    }
  }
  return out;
}

function rawAttributes(attribs: Record<string, string>): string {
  let out = '';
  for (const name in attribs) out += rawAttribute(name, attribs[name]!);
  return out;
}

/** Attribute values decoded for matching (selector-plan compares decoded values). */
function matchable(attribs: Record<string, string>): Record<string, string> {
  let decoded: Record<string, string> | undefined;
  for (const key in attribs) {
    if (attribs[key]!.includes('&')) {
      decoded ??= { ...attribs };
      decoded[key] = decodeHTMLAttribute(attribs[key]!);
    }
  }
  return decoded ?? attribs;
}

export async function rewriteHtml(html: string, options: RewriteOptions, ctx: FormatContext, format: string): Promise<RewriteResult> {
  const { include, exclude, clean, dropHead } = options;
  const matching = include !== null || exclude !== null;
  // The extractor's linear matcher (one bit set per open element, no ancestor walk): plan 0 is
  // `exclude`, plan 1 `include`, either may be absent.
  const plans = [exclude, include].filter((plan): plan is SelectorPlan => plan !== null);
  const matcher = matching ? new AncestorMatcher(plans, DEFAULT_EXTRACT_LIMITS.maxStateWords) : undefined;
  const excludeIndex = exclude !== null ? 0 : -1;
  const includeIndex = include !== null ? plans.length - 1 : -1;
  let stackDepth = 0;
  const out = new OutputBuffer();
  /** Depth of the element being dropped (everything inside it too), or -1. */
  let skipDepth = -1;
  /** Depth of the included element being written, or -1 (always "inside" without `include`). */
  let includeDepth = -1;
  let included = 0;
  const writing = () => skipDepth < 0 && (include === null || includeDepth >= 0);

  const parser = new Parser({
    onopentag(name, attribs) {
      const depth = ++stackDepth;
      if (matcher) matcher.open(name, matchable(attribs));
      if (depth > ctx.limits.maxDepth) throw new FormatInputTooDeepError(format, ctx.limits.maxDepth);
      if (skipDepth >= 0) return;
      const dropped = (clean !== null && (CLEAN_DROPS.has(name) || (name === 'link' && RESOURCE_HINT.test(attribs.rel ?? ''))))
        || (dropHead && (name === 'head' || name === 'title'))
        || (excludeIndex >= 0 && matcher!.hits[excludeIndex] === 1);
      if (dropped) {
        skipDepth = depth;
        return;
      }
      if (include !== null && includeDepth < 0) {
        if (matcher!.hits[includeIndex] !== 1) return;
        includeDepth = depth;
        included += 1;
      }
      out.push(`<${name}${clean ? cleanAttributes(name, attribs, clean.base) : rawAttributes(attribs)}>`);
    },
    onclosetag(name) {
      const depth = stackDepth--;
      matcher?.close();
      if (skipDepth >= 0) {
        if (depth === skipDepth) skipDepth = -1;
        return;
      }
      if (include !== null && includeDepth < 0) return;
      if (!VOID.has(name)) out.push(`</${name}>`);
      if (depth === includeDepth) {
        includeDepth = -1;
        out.push('\n');
      }
    },
    ontext(text) {
      if (writing()) out.push(text);
    },
    oncomment(data) {
      if (clean === null && writing()) out.push(`<!--${data}-->`);
    },
    onprocessinginstruction(_name, data) {
      // The doctype: kept when the whole document is.
      if (include === null && skipDepth < 0 && data.toLowerCase().startsWith('!doctype')) out.push(`<${data}>`);
    },
  }, { decodeEntities: false });

  await writeInSlices(html, ctx, (slice) => parser.write(slice));
  parser.end();
  return { html: out.toString(), included };
}
