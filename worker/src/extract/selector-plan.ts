/**
 * @module worker/extract/selector-plan
 * Compiles a CSS selector into a matcher that runs while the HTML streams by (no DOM), for the
 * subset that needs only an element and its ancestors: type/universal, #id, .class, attribute
 * selectors, descendant and child combinators, selector lists. Anything else (pseudo-classes,
 * sibling combinators, namespaces) compiles to `null` and the caller falls back to the DOM.
 *
 * The semantics mirror css-select's in HTML mode, which is what cheerio runs; the property test
 * in test/worker/streaming-extract.property.test.ts holds the two to the same answers.
 */
import { parse, type AttributeSelector, type Selector } from 'css-what';

/** Tests one element by its (lower-case) name and attributes; no ancestors. */
export type ElementTest = (name: string, attribs: Record<string, string>) => boolean;

/**
 * One selector of a list (`a b > c`), compounds left to right: `tests[length - 1]` is the
 * subject. `child` and `descendant` say how compound `j` relates to compound `j - 1`, as bit
 * `j - 1` of 32-bit words (ancestor-matcher.ts keeps the same bits per open element).
 */
export interface CompiledSelector {
  tests: readonly ElementTest[];
  child: Int32Array;
  descendant: Int32Array;
}

/** One entry per selector of the list; the element matches when any does. */
export type SelectorPlan = readonly CompiledSelector[];

/**
 * Attribute names whose values HTML compares case-insensitively when the selector does not say
 * (`[type=TEXT]` matches `type="text"`); from the HTML spec, as css-select applies it.
 */
const CASE_INSENSITIVE_ATTRIBUTES = new Set((
  'accept accept-charset align alink axis bgcolor charset checked clear codetype color compact declare defer dir ' +
  'direction disabled enctype face frame hreflang http-equiv lang language link media method multiple nohref ' +
  'noresize noshade nowrap readonly rel rev rules scope scrolling selected shape target text type valign valuetype vlink'
).split(' '));

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function attributeTest(selector: AttributeSelector): ElementTest | null {
  if (selector.namespace) return null;
  const name = selector.name.toLowerCase();
  const ignoreCase = typeof selector.ignoreCase === 'boolean'
    ? selector.ignoreCase
    : selector.ignoreCase === null && CASE_INSENSITIVE_ATTRIBUTES.has(name);
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  const value = fold(selector.value);
  const read = (attribs: Record<string, string>): string | undefined => (hasOwn(attribs, name) ? attribs[name] : undefined);
  const never: ElementTest = () => false;
  switch (selector.action) {
    case 'exists':
      return (_, attribs) => read(attribs) !== undefined;
    case 'equals':
      return (_, attribs) => { const attr = read(attribs); return attr !== undefined && fold(attr) === value; };
    case 'hyphen':
      return (_, attribs) => {
        const attr = read(attribs);
        return attr !== undefined && (attr.length === value.length || attr.charAt(value.length) === '-') && fold(attr.slice(0, value.length)) === value;
      };
    case 'element':
      // An empty or spaced value never names one whitespace-separated token (css-select agrees
      // for spaced values; its regex quirk on the empty value is not worth mirroring).
      if (value === '') return null;
      if (/\s/.test(value)) return never;
      return (_, attribs) => { const attr = read(attribs); return attr !== undefined && fold(attr).split(/\s+/).includes(value); };
    case 'start':
      return value === '' ? never : (_, attribs) => { const attr = read(attribs); return attr !== undefined && fold(attr).startsWith(value); };
    case 'end':
      return value === '' ? never : (_, attribs) => { const attr = read(attribs); return attr !== undefined && fold(attr).endsWith(value); };
    case 'any':
      return value === '' ? never : (_, attribs) => { const attr = read(attribs); return attr !== undefined && fold(attr).includes(value); };
    default:
      return null; // `!=` is css-select's own extension: left to it.
  }
}

/** One test for a compound: its parts in order (the tag first, as written), without a loop for two. */
function both(parts: readonly ElementTest[]): ElementTest {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [first, second] = parts as [ElementTest, ElementTest];
    return (name, attribs) => first(name, attribs) && second(name, attribs);
  }
  return (name, attribs) => parts.every((test) => test(name, attribs));
}

function compileTokens(tokens: readonly Selector[]): CompiledSelector | null {
  const tests: ElementTest[] = [];
  const childSteps: boolean[] = []; // per compound after the first: is it a `>` child of the one before?
  let compound: ElementTest[] = [];
  let combinator: 'descendant' | 'child' | null = null;
  const close = (): boolean => {
    if (compound.length === 0) return false; // a combinator with no compound on one side
    tests.push(both(compound));
    if (tests.length > 1) childSteps.push(combinator === 'child');
    compound = [];
    return true;
  };
  for (const token of tokens) {
    if (token.type === 'tag') {
      if (token.namespace) return null;
      const tag = token.name.toLowerCase();
      compound.push((name) => name === tag);
    } else if (token.type === 'universal') {
      if (token.namespace) return null;
      compound.push(() => true);
    } else if (token.type === 'attribute') {
      const test = attributeTest(token);
      if (!test) return null;
      compound.push(test);
    } else if (token.type === 'descendant' || token.type === 'child') {
      if (!close()) return null;
      combinator = token.type;
    } else {
      return null; // pseudo-classes and -elements, sibling and column combinators
    }
  }
  if (!close()) return null;
  const words = Math.ceil(childSteps.length / 32);
  const child = new Int32Array(words);
  const descendant = new Int32Array(words);
  childSteps.forEach((isChild, bit) => {
    (isChild ? child : descendant)[bit >> 5]! |= 1 << (bit & 31);
  });
  return { tests, child, descendant };
}

/** The plan for `selector`, or null when it needs more than an element and its ancestors. */
export function compileSelectorPlan(selector: string): SelectorPlan | null {
  let parsed: Selector[][];
  try {
    parsed = parse(selector);
  } catch {
    return null; // the DOM path reports the invalid selector
  }
  const plan: CompiledSelector[] = [];
  for (const tokens of parsed) {
    const compiled = compileTokens(tokens);
    if (!compiled) return null;
    plan.push(compiled);
  }
  return plan.length > 0 ? plan : null;
}
