/**
 * @module worker/extract/ancestor-matcher
 * Matches compiled selectors (selector-plan.ts) against each element as it opens, in time
 * linear in the page: no ancestor walk, no backtracking.
 *
 * Every open element keeps, per selector, two bit sets over the selector's compounds:
 * - M: compound `j` matched *at this element* with compounds `0..j` chained correctly above it;
 * - D: the same for this element *or any ancestor* (M of it, OR D of its parent).
 * A new element tries compound `j` only when the parent's M has bit `j - 1` (a `>` step) or the
 * parent's D has it (a descendant step), so an element costs O(compounds) whatever the depth.
 * This is the exact dynamic-programming form of css-select's right-to-left walk (which caches
 * failures per element); the naive walk it replaces retried every ancestor for every descendant
 * step and was exponential (`span div div … div` on a 28-deep page took 12 s; 60-deep, forever).
 *
 * The bits live in one Int32Array, a row per depth (row 0 is the all-zero parent of the root):
 * opening an element writes its row from its parent's and nothing allocates per element. The
 * subject's bit is never stored (no one chains after it), so one-compound selectors (`h1`,
 * `.price`) keep no state at all.
 */
import { ExtractionTooComplexError } from '../errors/index.ts';
import type { CompiledSelector, ElementTest, SelectorPlan } from './selector-plan.ts';

interface Layout {
  tests: readonly ElementTest[];
  /** Index of the subject compound. */
  last: number;
  child: Int32Array;
  descendant: Int32Array;
  /** The first words of the masks, for the one-word case (selectors of up to 33 compounds). */
  child0: number;
  descendant0: number;
  /** Words per bit set; M at `offset`, D at `offset + words` of each row. */
  words: number;
  offset: number;
}

const NO_ROWS = new Int32Array(0);

export class AncestorMatcher {
  /** After `open`: 1 for each plan the element matches (0 for inactive plans). */
  readonly hits: number[];
  /** Selector steps tested so far (the extractor moves it into its work meter). */
  work = 0;
  private readonly layouts: Layout[][];
  private readonly active: number[];
  private readonly stride: number;
  private rows: Int32Array;
  private depth = 0;
  private readonly maxStateWords: number;

  constructor(plans: readonly SelectorPlan[], maxStateWords: number) {
    this.maxStateWords = maxStateWords;
    let stride = 0;
    this.layouts = plans.map((plan) => plan.map((compiled: CompiledSelector) => {
      const words = compiled.child.length;
      const layout: Layout = {
        tests: compiled.tests, last: compiled.tests.length - 1, child: compiled.child, descendant: compiled.descendant,
        child0: compiled.child[0] ?? 0, descendant0: compiled.descendant[0] ?? 0, words, offset: stride,
      };
      stride += 2 * words;
      return layout;
    }));
    this.stride = stride;
    // Plain arrays: a page's extraction allocates these once, and typed arrays cost more to create.
    this.hits = plans.map(() => 0);
    this.active = plans.map(() => 1);
    this.rows = stride === 0 ? NO_ROWS : new Int32Array(stride * 32);
  }

  /** Stops matching plan `index` (a first-match rule that has its match). */
  deactivate(index: number): void {
    this.active[index] = 0;
  }

  /** The element `name` opens one level down; fills `hits`, true when any plan matches it. */
  open(name: string, attribs: Record<string, string>): boolean {
    const depth = ++this.depth;
    const { stride, layouts, active, hits } = this;
    if ((depth + 1) * stride > this.rows.length) this.grow(depth);
    const rows = this.rows;
    const parentRow = (depth - 1) * stride;
    const row = depth * stride;
    let any = false;
    let work = 0;
    for (let plan = 0; plan < layouts.length; plan += 1) {
      if (active[plan] === 0) {
        hits[plan] = 0;
        continue;
      }
      let hit = false;
      const selectors = layouts[plan]!;
      for (let index = 0; index < selectors.length; index += 1) {
        const layout = selectors[index]!;
        const { tests, last, words } = layout;
        work += 1;
        if (last === 0) {
          if (tests[0]!(name, attribs)) hit = true;
          continue;
        }
        const m = row + layout.offset;
        const d = m + words;
        const parentM = parentRow + layout.offset;
        const parentD = parentM + words;
        if (words === 1) {
          // The usual case, without the word loops.
          let bits = tests[0]!(name, attribs) ? 1 : 0;
          let ready = (rows[parentM]! & layout.child0) | (rows[parentD]! & layout.descendant0);
          while (ready !== 0) {
            const low = ready & -ready;
            ready ^= low;
            const step = 32 - Math.clz32(low);
            work += 1;
            if (!tests[step]!(name, attribs)) continue;
            if (step === last) hit = true;
            else bits |= 1 << step;
          }
          rows[m] = bits;
          rows[d] = rows[parentD]! | bits;
          work += 1;
          continue;
        }
        for (let word = 0; word < words; word += 1) rows[m + word] = 0;
        if (tests[0]!(name, attribs)) rows[m] = 1;
        for (let word = 0; word < words; word += 1) {
          // Bit b here: compound b matched at the parent (`>`) or above (descendant), so compound b + 1 may match here.
          let ready = (rows[parentM + word]! & layout.child[word]!) | (rows[parentD + word]! & layout.descendant[word]!);
          while (ready !== 0) {
            const low = ready & -ready;
            ready ^= low;
            const step = (word << 5) + (31 - Math.clz32(low)) + 1;
            work += 1;
            if (!tests[step]!(name, attribs)) continue;
            if (step === last) hit = true;
            else rows[m + (step >> 5)]! |= 1 << (step & 31);
          }
          // Bits of this word are final now: later words only set bits above them.
          rows[d + word] = rows[parentD + word]! | rows[m + word]!;
        }
        work += words;
      }
      hits[plan] = hit ? 1 : 0;
      if (hit) any = true;
    }
    this.work += work;
    return any;
  }

  /** The innermost open element closes. */
  close(): void {
    if (this.depth > 0) this.depth -= 1;
  }

  private grow(depth: number): void {
    const needed = (depth + 1) * this.stride;
    if (needed > this.maxStateWords) {
      throw new ExtractionTooComplexError('words of ancestor state', this.maxStateWords,
        `elements nested ${depth} deep with ${this.stride} state words per element for these selectors`);
    }
    const rows = new Int32Array(Math.min(Math.max(needed, this.rows.length * 2), this.maxStateWords));
    rows.set(this.rows);
    this.rows = rows;
  }
}
