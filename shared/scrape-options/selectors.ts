/**
 * @module shared/scrape-options/selectors
 * CSS selectors as callers send them: checked by css-what, the parser family the worker's
 * matchers use, so a selector the edge accepts is one the worker can parse.
 */
import { parse as parseSelector, type Selector } from 'css-what';
import { z } from 'zod';
import { LIMITS } from '../limits.ts';

function parsed(selector: string): Selector[][] | null {
  try {
    return parseSelector(selector);
  } catch {
    return null;
  }
}

/** A CSS selector, checked by the same parser family the worker uses (css-what). */
export const cssSelectorSchema = z
  .string()
  .trim()
  .min(1, 'must be a non-empty CSS selector')
  .max(LIMITS.selectorMaxLength, `must be at most ${LIMITS.selectorMaxLength} characters`)
  .refine((selector) => parsed(selector) !== null, 'is not a valid CSS selector');

/** Attribute tests the streaming matcher runs (css-select's `!=` extension is not one). */
const STREAMABLE_ATTRIBUTE_ACTIONS = new Set(['exists', 'equals', 'hyphen', 'element', 'start', 'end', 'any']);

/**
 * True when every selector of the list needs only an element and its ancestors: type, `*`,
 * `#id`, `.class`, attribute tests, descendant and child combinators. Those are answered while
 * the HTML streams past (worker/src/extract/selector-plan.ts, which compiles exactly this set),
 * so narrowing a 5 MiB page never builds a DOM. Pseudo-classes and sibling combinators would.
 */
export function isStreamableSelector(selector: string): boolean {
  const lists = parsed(selector);
  if (!lists || lists.length === 0) return false;
  return lists.every((tokens) => tokens.length > 0 && tokens.every((token, i) => {
    switch (token.type) {
      case 'tag':
      case 'universal':
        return !token.namespace;
      case 'attribute':
        return !token.namespace && STREAMABLE_ATTRIBUTE_ACTIONS.has(token.action)
          && !(token.action === 'element' && token.value === '');
      case 'descendant':
      case 'child':
        // A combinator needs a compound on both sides.
        return i > 0 && i < tokens.length - 1 && tokens[i - 1]!.type !== 'descendant' && tokens[i - 1]!.type !== 'child';
      default:
        return false;
    }
  }));
}

/** A selector of `includeTags`/`excludeTags`: valid, and answerable while the page streams. */
export const narrowingSelectorSchema = cssSelectorSchema.refine((selector) => parsed(selector) === null || isStreamableSelector(selector), {
  message: 'must use only tags, *, #id, .class, [attribute] tests and the descendant (space) or child (>) combinator: pseudo-classes and sibling combinators need a whole DOM, which a narrowing pass does not build',
});
