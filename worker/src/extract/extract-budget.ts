/**
 * @module worker/extract/extract-budget
 * The bounds of one page's extraction, and the meters that enforce them while it runs:
 * - work: every selector step tested on an element, every DOM operation of a pseudo-class
 *   selector, every text chunk handed to captures. Past `maxWork` the job fails
 *   (ExtractionTooComplexError); matching is linear, so honest rules on a 5 MiB page stay far
 *   below it (figures in docs/extraction.md).
 * - time slices: the extractor hands the event loop back every `sliceMs`, so no page blocks a
 *   worker's other jobs, lock renewals or health checks; work that cannot be split (one DOM
 *   selector query) is capped at `maxSyncWork` operations instead.
 * - output: the result (title and values, as JSON) may not pass `maxResultBytes`
 *   (QUARRY_MAX_RESULT_BYTES); extraction stops as soon as what it holds is over.
 */
import { ExtractionTooComplexError, ResultTooLargeError } from '../errors/index.ts';
import type { ExtractedPage } from './extracted-page.ts';

export interface ExtractLimits {
  /** Largest result: title and extracted values as JSON, UTF-8 bytes. */
  maxResultBytes: number;
  /** Matching operations per page (element × selector step tests, DOM operations). */
  maxWork: number;
  /** Operations one DOM selector query may do without a pause (it cannot be split). */
  maxSyncWork: number;
  /** Ancestor-state words (open elements × their per-element state) the streaming matcher may hold. */
  maxStateWords: number;
  /** How long the extractor runs before it yields to the event loop; Infinity never yields. */
  sliceMs: number;
  /** Work between two looks at the clock (and the budget): cheap per element, fine enough for the slices. */
  checkEvery: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxResultBytes: 1024 * 1024,
  // 50 three-step rules on a tag-dense 5 MiB page take ~52M (~0.65 s of CPU): twice that is the cap.
  maxWork: 100_000_000,
  maxSyncWork: 2_000_000,
  maxStateWords: 4_000_000,
  sliceMs: 20,
  checkEvery: 4_096,
};

/** Counts matching work, fails past the budget and tells the extractor when to yield. */
export class WorkMeter {
  /** Work done so far; extractors add to it directly on their hot paths. */
  work = 0;
  private nextCheck: number;
  private sliceStart = performance.now();
  private syncLimit = Infinity;
  private syncDetail = '';
  readonly limits: ExtractLimits;
  constructor(limits: ExtractLimits) {
    this.limits = limits;
    this.nextCheck = limits.checkEvery;
  }

  /** Call after adding work: throws past the budget; true when this slice's time is up. */
  tick(): boolean {
    return this.work >= this.nextCheck && this.checkpoint();
  }

  /** True when this slice's time is up (a look at the clock, whatever the work). */
  timeUp(): boolean {
    return performance.now() - this.sliceStart >= this.limits.sliceMs;
  }

  /** A new slice starts (after a yield). */
  startSlice(): void {
    this.sliceStart = performance.now();
  }

  /** One operation of a query that cannot yield (the DOM path's counting adapter calls it). */
  op(): void {
    this.work += 1;
    if (this.work > this.syncLimit) this.overSync();
  }

  /** From now on, `op()` fails past `maxSyncWork` more operations (or the page budget). */
  startSync(detail: string): void {
    this.syncLimit = Math.min(this.limits.maxWork, this.work + this.limits.maxSyncWork);
    this.syncDetail = detail;
  }

  /** `op()` counts without a per-query limit again. */
  endSync(): void {
    this.syncLimit = Infinity;
  }

  /** Runs `query` with at most `maxSyncWork` operations (and within the page budget). */
  withinSync<T>(detail: string, query: () => T): T {
    this.startSync(detail);
    try {
      return query();
    } finally {
      this.endSync();
    }
  }

  private overSync(): never {
    if (this.work > this.limits.maxWork) this.overBudget();
    throw new ExtractionTooComplexError('DOM operations in one selector query', this.limits.maxSyncWork, this.syncDetail);
  }

  private checkpoint(): boolean {
    if (this.work > this.limits.maxWork) this.overBudget();
    this.nextCheck = this.work + this.limits.checkEvery;
    return this.timeUp();
  }

  private overBudget(): never {
    throw new ExtractionTooComplexError('matching operations per page', this.limits.maxWork, 'the page has too many elements (or too deep nesting) for these selectors');
  }
}

/** JSON overhead counted per value (quotes and comma), so a million empty matches count too. */
export const VALUE_OVERHEAD = 3;

/**
 * Counts the result's size while it is built. `committed` holds finished values (characters +
 * overhead: a lower bound of their UTF-8 JSON bytes); open text captures report what they hold so
 * far, so an oversized result fails before it is ever joined into strings.
 */
export class OutputMeter {
  committed = 0;
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** A finished value of `chars` characters. */
  add(chars: number): void {
    this.committed += chars + VALUE_OVERHEAD;
    if (this.committed > this.maxBytes) throw new ResultTooLargeError(this.maxBytes);
  }

  /** Fails when finished values plus `pending` characters already held by open captures pass the cap. */
  check(pending: number): void {
    if (this.committed + pending > this.maxBytes) throw new ResultTooLargeError(this.maxBytes);
  }

  /**
   * The exact check on the finished page: its JSON in UTF-8 bytes, summed value by value (a
   * result near a large cap would block the event loop if stringified in one go).
   */
  *final(page: ExtractedPage, meter: WorkMeter): Generator<void, void> {
    // No character takes more than 6 bytes in JSON (`\uXXXX`): far under the cap, nothing to count.
    let names = 0;
    for (const name in page.extract) names += name.length;
    if (6 * (this.committed + names) + 8 * (Object.keys(page.extract).length + 1) + 32 <= this.maxBytes) return;
    const bytes = (value: string | null) => (value === null ? 4 : Buffer.byteLength(JSON.stringify(value)));
    // {"title":…,"extract":{…}}
    const entries = Object.entries(page.extract);
    let total = bytes(page.title) + '{"title":,"extract":{}}'.length + Math.max(0, entries.length - 1); // commas between entries
    for (const [name, value] of entries) {
      total += bytes(name) + 1; // the colon
      if (!Array.isArray(value)) {
        total += bytes(value);
        continue;
      }
      total += 2 + Math.max(0, value.length - 1); // brackets, commas
      for (let index = 0; index < value.length; index += 1) {
        total += bytes(value[index]!);
        if (index % 1024 === 1023 && meter.timeUp()) {
          if (total > this.maxBytes) break;
          yield;
          meter.startSlice();
        }
      }
    }
    if (total > this.maxBytes) throw new ResultTooLargeError(this.maxBytes);
  }
}

/** Hands the event loop back: timers, I/O and the other jobs run before extraction goes on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs an extraction generator to the end, yielding to the event loop at each of its pauses. */
export async function runSliced<T>(steps: Generator<void, T>, meter: WorkMeter): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
    meter.startSlice();
  }
}

/** Runs an extraction generator to the end without yielding (tests, benchmarks). */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
