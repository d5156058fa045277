/**
 * @module worker/extract/counting-adapter
 * css-select's DOM adapter (domutils), with every operation counted against the page's work
 * budget. css-select reaches the DOM only through its adapter, so this bounds what any selector
 * can cost, however it nests: `:has()` inside `:has()`, `:nth-child` on a 100,000-item list
 * (each element scans its preceding siblings), `~` chains, descendant steps on deep pages
 * (css-select caches failures but still walks every ancestor), `:contains` (subtree text).
 * The subtree walks (existsOne, findOne, findAll, getText) are re-implemented here so each node
 * they visit counts, and iteratively, so a deep page cannot overflow the stack.
 */
import type { Options } from 'cheerio-select';
import type { AnyNode, Element } from 'domhandler';
import { hasChildren, isTag, isText } from 'domhandler';
import * as DomUtils from 'domutils';
import type { WorkMeter } from './extract-budget.ts';

type Test = (element: Element) => boolean;
/** css-select's adapter type, as cheerio-select's options name it. */
export type DomAdapter = NonNullable<Options['adapter']>;

/** Visits `nodes` and their descendants in document order until `visit` returns true. */
function walk(nodes: readonly AnyNode[], meter: WorkMeter, visit: (node: AnyNode) => boolean): boolean {
  const stack: AnyNode[] = [];
  for (let index = nodes.length - 1; index >= 0; index -= 1) stack.push(nodes[index]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    meter.op();
    if (visit(node)) return true;
    if (hasChildren(node)) for (let index = node.children.length - 1; index >= 0; index -= 1) stack.push(node.children[index]!);
  }
  return false;
}

export function countingAdapter(meter: WorkMeter): DomAdapter {
  return {
    isTag: (node): node is Element => (meter.op(), isTag(node)),
    getAttributeValue: (element, name) => (meter.op(), DomUtils.getAttributeValue(element, name)),
    getChildren: (node) => (meter.op(), DomUtils.getChildren(node)),
    getName: (element) => (meter.op(), element.name),
    getParent: (node) => (meter.op(), node.parent),
    getSiblings: (node) => (meter.op(), DomUtils.getSiblings(node)),
    hasAttrib: (element, name) => (meter.op(), DomUtils.hasAttrib(element, name)),
    equals: (a, b) => (meter.op(), a === b),
    prevElementSibling(node) {
      let previous = node.prev;
      while (previous !== null && (meter.op(), !isTag(previous))) previous = previous.prev;
      return previous;
    },
    removeSubsets(nodes) {
      for (let index = 0; index < nodes.length; index += 1) meter.op();
      return DomUtils.removeSubsets(nodes);
    },
    existsOne: (test: Test, nodes) => walk(nodes, meter, (node) => isTag(node) && test(node)),
    findOne(test: Test, nodes) {
      let found: Element | null = null;
      walk(nodes, meter, (node) => isTag(node) && test(node) && (found = node) !== null);
      return found;
    },
    findAll(test: Test, nodes) {
      const found: Element[] = [];
      walk(nodes, meter, (node) => {
        if (isTag(node) && test(node)) found.push(node);
        return false;
      });
      return found;
    },
    getText(node) {
      // domutils' getText: text nodes' data, with <br> as a newline.
      const parts: string[] = [];
      walk([node], meter, (inner) => {
        if (isText(inner)) parts.push(inner.data);
        else if (isTag(inner) && inner.name === 'br') parts.push('\n');
        return false;
      });
      return parts.join('');
    },
  };
}
