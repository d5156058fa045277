/**
 * @module worker/formats/define-format
 * A format is one pure module: `defineFormat({ name, needsBrowser, run })`, like a Hono
 * middleware factory. `run(page, options, ctx)` reads the fetched page and returns its part of
 * the result; the registry (index.ts) runs the formats a job asked for and merges their parts.
 */
import type { JobResult } from '../../../shared/job-result.ts';
import type { FormatEntry, FormatName, ScrapeOptions } from '../../../shared/scrape-options/index.ts';
import type { FetchedPage } from './page.ts';

/** Bounds on what a format converts and how long it may hold the event loop. */
export interface FormatLimits {
  /** Larger HTML fails the format (FormatInputTooLargeError). */
  maxHtmlBytes: number;
  /** HTML up to this many characters converts in one call (a 128 K page: ~3 ms with mdream, ~15 ms with htmlparser2). */
  oneCallChars: number;
  /** Longer HTML is fed to the converter in slices of this many characters... */
  sliceChars: number;
  /** ...and the event loop gets a turn whenever this many milliseconds passed since the last one. */
  turnBudgetMs: number;
  /** Deepest element nesting the streaming passes follow (FormatInputTooDeepError past it). */
  maxDepth: number;
  /** Most links the `links` format returns (the rest are counted, not listed). */
  maxLinks: number;
}

export const DEFAULT_FORMAT_LIMITS: FormatLimits = {
  maxHtmlBytes: 10 * 1024 * 1024,
  oneCallChars: 128 * 1024,
  sliceChars: 16 * 1024,
  turnBudgetMs: 10,
  maxDepth: 4096,
  maxLinks: 10_000,
};

export interface FormatContext {
  limits: FormatLimits;
  /** Aborts a conversion between slices (job cancelled or past its deadline). */
  signal?: AbortSignal;
  /** Milliseconds the job has left (browser formats bound their capture by it); unbounded when absent. */
  remainingMs?: () => number;
}

/** What every format gets besides the page: its own entry in `formats` and the job's scrape options. */
export interface FormatOptions<E extends FormatEntry = FormatEntry> {
  entry: E;
  scrape: Pick<ScrapeOptions, 'mode' | 'onlyMainContent' | 'includeTags' | 'excludeTags'>;
}

/** The result fields formats fill in. */
export type FormatResult = Partial<Pick<JobResult, 'markdown' | 'html' | 'rawHtml' | 'links' | 'metadata'>>;

/** A file a format produced, before the artifact store holds it (screenshots, PDFs). */
export interface ArtifactBytes {
  name: string;
  type: 'screenshot' | 'pdf';
  contentType: string;
  bytes: Uint8Array;
}

export interface FormatOutput {
  result?: FormatResult;
  artifacts?: ArtifactBytes[];
}

export interface FormatDefinition<N extends FormatName = FormatName> {
  name: N;
  /** Needs the live browser page (screenshots, PDFs): only browser-mode jobs may ask for it. */
  needsBrowser: boolean;
  run(page: FetchedPage, options: FormatOptions, ctx: FormatContext): Promise<FormatOutput>;
}

export function defineFormat<N extends FormatName>(definition: {
  name: N;
  needsBrowser?: boolean;
  run: FormatDefinition<N>['run'];
}): FormatDefinition<N> {
  return { name: definition.name, needsBrowser: definition.needsBrowser ?? false, run: definition.run };
}

/** The limits from the worker's configuration (the rest are fixed: they bound CPU, not results). */
export function formatLimits(config: { formatMaxHtmlBytes: number }): FormatLimits {
  return { ...DEFAULT_FORMAT_LIMITS, maxHtmlBytes: config.formatMaxHtmlBytes };
}
