/**
 * @module test/worker/text-capture
 * The shared text log gives every capture exactly `cleanText()` of the text inside its element,
 * whatever the nesting, the whitespace at chunk boundaries and the blocks the log is joined into.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutputMeter } from '../../worker/src/extract/extract-budget.ts';
import { cleanText } from '../../worker/src/extract/extracted-page.ts';
import { TextCapture } from '../../worker/src/extract/text-capture.ts';

interface Node {
  captured: boolean;
  children: Array<Node | string>;
}

const chunk = fc.constantFrom('a', ' b ', '  ', '\n\t', 'c\u00a0d', ' ', '', 'e f', '\u3000g');
const tree: fc.Memo<Node> = fc.memo((depth) => fc.record({
  captured: fc.boolean(),
  children: fc.array(depth > 1 ? fc.oneof(chunk, tree(depth - 1)) : chunk, { maxLength: 5 }),
}));

const textOf = (node: Node): string => node.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('');

describe('TextCapture', () => {
  it('captures cleanText of each element’s text, with the log joined into blocks of any size', () => {
    fc.assert(fc.property(fc.array(tree(5), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (roots, partsPerBlock) => {
      const capture = new TextCapture(new OutputMeter(Infinity), partsPerBlock);
      const values: Array<string | null> = [];
      const expected: string[] = [];
      const visit = (node: Node, depth: number) => {
        if (node.captured) {
          expected.push(cleanText(textOf(node)));
          capture.start(depth, values, values.length);
          values.push(null);
        }
        for (const child of node.children) {
          if (typeof child === 'string') {
            if (capture.active) capture.text(child);
          } else {
            visit(child, depth + 1);
          }
        }
        if (capture.active) capture.end(depth);
      };
      for (const root of roots) visit(root, 1);
      expect(values).toEqual(expected);
    }), { numRuns: 2000 });
  });
});
