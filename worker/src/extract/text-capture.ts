/**
 * @module worker/extract/text-capture
 * Collects the text of matched elements, in time linear in the page plus the result.
 *
 * Naively every text chunk goes to every open capture: with `{"t[]": "*"}` on a nested page each
 * chunk is copied once per ancestor, quadratic in the nesting. Here all open captures share one
 * log of the text seen since the outermost one opened; a capture remembers where in the log it
 * started and joins its slice once, when its element closes. Captures nest like their elements,
 * so they close innermost first and the log is dropped when none is open. Every 1,024 chunks the
 * log's tail is joined into a block, so an outer capture joins a few blocks rather than hundreds
 * of thousands of small strings (2 MB of `<body>` text in 400k chunks: ~60 ms of CPU, during
 * which the event loop would stand still).
 *
 * The log holds text already whitespace-collapsed (runs of `\s` → one space, across chunk
 * boundaries too), so a capture's value is its slice trimmed: exactly `cleanText()` of its raw
 * text, and what a capture holds is the size its value will have (± the trimmed spaces). That
 * lets the output meter fail an oversized result as it grows, before any string is joined.
 */
import type { OutputMeter } from './extract-budget.ts';

interface Capture {
  depth: number;
  /** Where it starts: block index, part of the tail (while that block is the tail), characters into the block. */
  block: number;
  part: number;
  offset: number;
  /** Log length when it opened. */
  length: number;
  values: Array<string | null>;
  slot: number;
}

const WHITESPACE_RUN = /\s+/g;
const SPACE = 32;

export class TextCapture {
  private readonly open: Capture[] = [];
  /** Joined blocks of the log, then the parts of its tail. */
  private blocks: string[] = [];
  private tail: string[] = [];
  private tailLength = 0;
  private logLength = 0;
  private endsWithSpace = false;
  /** Sum over open captures of the characters they hold. */
  private pending = 0;

  private readonly output: OutputMeter;
  private readonly partsPerBlock: number;
  constructor(output: OutputMeter, partsPerBlock = 1_024) {
    this.output = output;
    this.partsPerBlock = partsPerBlock;
  }

  /** Whether any capture is open (text is wanted at all). */
  get active(): boolean {
    return this.open.length > 0;
  }

  /** Starts collecting the text of the element at `depth` into `values[slot]`. */
  start(depth: number, values: Array<string | null>, slot: number): void {
    this.open.push({ depth, block: this.blocks.length, part: this.tail.length, offset: this.tailLength, length: this.logLength, values, slot });
  }

  /** A text chunk (entities already decoded) inside every open capture. */
  text(chunk: string): void {
    let collapsed = chunk.replace(WHITESPACE_RUN, ' ');
    if (this.endsWithSpace && collapsed.charCodeAt(0) === SPACE) collapsed = collapsed.slice(1);
    if (collapsed.length === 0) return;
    this.tail.push(collapsed);
    this.tailLength += collapsed.length;
    this.logLength += collapsed.length;
    if (this.tail.length === this.partsPerBlock) {
      this.blocks.push(this.tail.join(''));
      this.tail = [];
      this.tailLength = 0;
    }
    this.endsWithSpace = collapsed.charCodeAt(collapsed.length - 1) === SPACE;
    this.pending += collapsed.length * this.open.length;
    // Each open value loses at most its two trimmed spaces.
    this.output.check(this.pending - 2 * this.open.length);
  }

  /** Finishes the captures of the element at `depth` (it closed). */
  end(depth: number): void {
    const { open } = this;
    while (open.length > 0 && open[open.length - 1]!.depth === depth) {
      const capture = open.pop()!;
      this.pending -= this.logLength - capture.length;
      const value = this.slice(capture).trim();
      this.output.add(value.length);
      capture.values[capture.slot] = value;
    }
    if (open.length === 0 && this.logLength > 0) {
      this.blocks = [];
      this.tail = [];
      this.tailLength = 0;
      this.logLength = 0;
      this.endsWithSpace = false;
      this.pending = 0;
    }
  }

  /** The log from where `capture` started. */
  private slice(capture: Capture): string {
    const { blocks, tail } = this;
    if (capture.block === blocks.length) {
      const parts = tail.length - capture.part;
      return parts === 0 ? '' : parts === 1 ? tail[capture.part]! : tail.slice(capture.part).join('');
    }
    const pieces = [blocks[capture.block]!.slice(capture.offset)];
    for (let block = capture.block + 1; block < blocks.length; block += 1) pieces.push(blocks[block]!);
    pieces.push(tail.join(''));
    return pieces.join('');
  }
}
