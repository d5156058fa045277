/**
 * The diffs themselves (jsdiff): field changes with list items added and removed, a unified
 * markdown diff, and a markdown diff that cannot finish in time reported without a diff
 * instead of holding the worker.
 */
import { describe, expect, it } from 'vitest';
import { DIFF_TIMEOUT_MS, diffFields, diffMarkdown } from '../../worker/src/changes/change-diff.ts';

describe('change diffs', () => {
  it('lists changed fields only, with list items added and removed', () => {
    expect(diffFields({ a: '1', b: ['x', 'y'], c: 'same', gone: 'g' }, { a: '2', b: ['y', 'z'], c: 'same', fresh: null, added: 'n' })).toEqual({
      a: { previous: '1', current: '2' },
      b: { previous: ['x', 'y'], current: ['y', 'z'], added: ['z'], removed: ['x'] },
      gone: { previous: 'g', current: null },
      added: { previous: null, current: 'n' },
    });
  });

  it('gives a unified diff of markdown', () => {
    const patch = diffMarkdown('# T\n\na\nb\n', '# T\n\na\nc\n', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
    expect(patch).toContain('@@ -1,4 +1,4 @@');
    expect(patch).toMatch(/^-b$/m);
    expect(patch).toMatch(/^\+c$/m);
  });

  it('gives up on a markdown diff that would take too long (no diff, bounded time)', () => {
    // Two unrelated 200,000-line documents: Myers needs O(N·D) steps.
    const lines = (tag: string) => Array.from({ length: 200_000 }, (_, i) => `${tag}${i}`).join('\n');
    const started = performance.now();
    expect(diffMarkdown(lines('a'), lines('b'), 'x', 'y')).toBeNull();
    expect(performance.now() - started).toBeLessThan(DIFF_TIMEOUT_MS * 20);
  });
});
