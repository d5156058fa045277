/**
 * @module shared/scrape-options/check
 * The type of a cross-field rule: each option group exports one, and every schema that holds
 * scrape options (jobs, crawls, …) runs them all through `checkScrapeOptions`.
 */
import type { z } from 'zod';

/** Runs on the parsed value (defaults applied) and adds issues with paths relative to it. */
export type ScrapeOptionsCheck<T> = (options: T, ctx: z.RefinementCtx) => void;
