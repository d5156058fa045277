/**
 * @module worker/formats/html-input
 * The two bounds every HTML conversion shares: a size cap, and slices that give the event loop
 * back. A 5 MiB page converted in one call held the loop 130–230 ms (mdream, htmlparser2) on
 * this 2-core machine, so longer pages are fed to the converters in small slices, and the loop
 * gets a turn whenever a time budget is spent. A budget rather than a fixed slice count because
 * the cost per character varies tenfold (a table of tiny cells, code not yet optimized by the
 * JIT): test/formats/hostile-input.test.ts asserts no block over 100 ms on 5 MiB pages. The
 * budget is 10 ms of wall time, so that on a loaded 2-core machine (our process getting a third
 * of a core) a turn still comes well within 100 ms. A fresh process's first sliced conversion
 * pays a one-time ~60 ms more (mdream's stream set-up, code not yet optimized).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { JobAbortedError } from '../errors/job-errors.ts';
import type { FormatContext } from './define-format.ts';
import { FormatInputTooLargeError } from './format-errors.ts';

/** Throws FormatInputTooLargeError when `html` is over the cap (UTF-8 bytes, counted only near it). */
export function assertHtmlSize(format: string, html: string, ctx: FormatContext): void {
  const max = ctx.limits.maxHtmlBytes;
  // A UTF-16 code unit is 1–3 UTF-8 bytes: only lengths between max/3 and max need the count.
  if (html.length * 3 <= max) return;
  const bytes = html.length > max ? html.length : Buffer.byteLength(html, 'utf8');
  if (bytes > max) throw new FormatInputTooLargeError(format, bytes, max);
}

/** Gives the event loop a turn when the budget since the last turn is spent; throws if the job was aborted. */
class Turns {
  private since = performance.now();
  private readonly ctx: FormatContext;
  constructor(ctx: FormatContext) {
    this.ctx = ctx;
  }

  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < this.ctx.limits.turnBudgetMs) return;
    await nextTurn();
    if (this.ctx.signal?.aborted) throw new JobAbortedError(this.ctx.signal.reason);
    this.since = performance.now();
  }
}

/**
 * Slice sizes: they start at 1 K characters and double up to `sliceChars`. In a fresh process
 * the converter's code is not optimized yet and a first 16 K slice of table cells took ~75 ms;
 * by the time slices are full size, it is.
 */
function* slices(html: string, ctx: FormatContext): Generator<string> {
  let size = Math.min(1024, ctx.limits.sliceChars);
  for (let start = 0; start < html.length; start += size, size = Math.min(size * 2, ctx.limits.sliceChars)) {
    yield html.slice(start, start + size);
  }
}

/** Calls `write` with consecutive slices of `html` (all of it at once when short), yielding on the time budget. */
export async function writeInSlices(html: string, ctx: FormatContext, write: (slice: string) => void): Promise<void> {
  if (html.length <= ctx.limits.oneCallChars) {
    write(html);
    return;
  }
  const turns = new Turns(ctx);
  for (const slice of slices(html, ctx)) {
    await turns.maybeYield();
    write(slice);
  }
}

/** The slices as a ReadableStream for streaming converters: the time between two reads is the converter's, so the budget covers it. */
export function sliceStream(html: string, ctx: FormatContext): ReadableStream<string> {
  const turns = new Turns(ctx);
  const next = slices(html, ctx);
  return new ReadableStream<string>({
    async pull(controller) {
      await turns.maybeYield();
      const slice = next.next();
      if (slice.done) controller.close();
      else controller.enqueue(slice.value);
    },
  }, { highWaterMark: 0 });
}
