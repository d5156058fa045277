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

/** An open element as the stream sees it. */
export interface OpenElement {
  name: string;
  attribs: Record<string, string>;
}

type ElementTest = (element: OpenElement) => boolean;

/** One compound (`a.b[c]`) and how it relates to the compound on its left. */
interface Step {
  test: ElementTest;
  /** Combinator between this compound and the next one to the left; none for the leftmost. */
  combinator: 'descendant' | 'child' | null;
}

/** Steps right to left: `steps[0]` is the subject, the element the selector picks. */
export type SelectorPlan = ReadonlyArray<ReadonlyArray<Step>>;

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
  const read = (element: OpenElement): string | undefined => (hasOwn(element.attribs, name) ? element.attribs[name] : undefined);
  const never: ElementTest = () => false;
  switch (selector.action) {
    case 'exists':
      return (element) => read(element) !== undefined;
    case 'equals':
      return (element) => { const attr = read(element); return attr !== undefined && fold(attr) === value; };
    case 'hyphen':
      return (element) => {
        const attr = read(element);
        return attr !== undefined && (attr.length === value.length || attr.charAt(value.length) === '-') && fold(attr.slice(0, value.length)) === value;
      };
    case 'element':
      // An empty or spaced value never names one whitespace-separated token (css-select agrees
      // for spaced values; its regex quirk on the empty value is not worth mirroring).
      if (value === '') return null;
      if (/\s/.test(value)) return never;
      return (element) => { const attr = read(element); return attr !== undefined && fold(attr).split(/\s+/).includes(value); };
    case 'start':
      return value === '' ? never : (element) => { const attr = read(element); return attr !== undefined && fold(attr).startsWith(value); };
    case 'end':
      return value === '' ? never : (element) => { const attr = read(element); return attr !== undefined && fold(attr).endsWith(value); };
    case 'any':
      return value === '' ? never : (element) => { const attr = read(element); return attr !== undefined && fold(attr).includes(value); };
    default:
      return null; // `!=` is css-select's own extension: left to it.
  }
}

function compileTokens(tokens: readonly Selector[]): Step[] | null {
  const steps: Step[] = [];
  let tests: ElementTest[] = [];
  let pending: Step['combinator'] = null;
  // Compounds arrive left to right and are unshifted, so steps end up right to left (subject
  // first); each step keeps the combinator that linked it to the compound on its left.
  const close = (): boolean => {
    if (tests.length === 0) return false; // a combinator with no compound on one side
    const all = tests;
    steps.unshift({ test: all.length === 1 ? all[0]! : (element) => all.every((test) => test(element)), combinator: pending });
    tests = [];
    return true;
  };
  for (const token of tokens) {
    if (token.type === 'tag') {
      if (token.namespace) return null;
      const name = token.name.toLowerCase();
      tests.push((element) => element.name === name);
    } else if (token.type === 'universal') {
      if (token.namespace) return null;
      tests.push(() => true);
    } else if (token.type === 'attribute') {
      const test = attributeTest(token);
      if (!test) return null;
      tests.push(test);
    } else if (token.type === 'descendant' || token.type === 'child') {
      if (!close()) return null;
      pending = token.type;
    } else {
      return null; // pseudo-classes and -elements, sibling and column combinators
    }
  }
  return close() ? steps : null;
}

/** The plan for `selector`, or null when it needs more than an element and its ancestors. */
export function compileSelectorPlan(selector: string): SelectorPlan | null {
  let parsed: Selector[][];
  try {
    parsed = parse(selector);
  } catch {
    return null; // the DOM path reports the invalid selector
  }
  const plan: Step[][] = [];
  for (const tokens of parsed) {
    const steps = compileTokens(tokens);
    if (!steps) return null;
    plan.push(steps);
  }
  return plan.length > 0 ? plan : null;
}

/** Matches steps[index..] with the element at `position` of the stack as steps[index]'s candidate. */
function matchFrom(steps: ReadonlyArray<Step>, index: number, stack: readonly OpenElement[], position: number): boolean {
  if (!steps[index]!.test(stack[position]!)) return false;
  if (index === steps.length - 1) return true;
  const { combinator } = steps[index]!;
  if (combinator === 'child') return position > 0 && matchFrom(steps, index + 1, stack, position - 1);
  for (let ancestor = position - 1; ancestor >= 0; ancestor -= 1) {
    if (matchFrom(steps, index + 1, stack, ancestor)) return true;
  }
  return false;
}

/** Does the innermost element of `stack` (the one just opened) match the plan? */
export function planMatches(plan: SelectorPlan, stack: readonly OpenElement[]): boolean {
  const subject = stack.length - 1;
  return subject >= 0 && plan.some((steps) => matchFrom(steps, 0, stack, subject));
}
