/**
 * @module shared/scrape-options
 * The one description of "what to scrape", shared by jobs, batches, hooks, crawls, schedules,
 * the worker and the OpenAPI document.
 *
 * zod 4 cannot `.extend()` a refined object, so the options live as a plain shape plus one check
 * function: a schema that holds scrape options spreads `scrapeOptionsShape` into its own
 * `z.strictObject` and runs `checkScrapeOptions` in its `superRefine`. A new option is added
 * once, in the group file it belongs to (one file per group), and reaches every route.
 */
import { z } from 'zod';
import type { ScrapeOptionsCheck } from './check.ts';
import { changeOptionsShape, checkChangeOptions } from './change-options.ts';
import { extractOptionsShape } from './extract-options.ts';
import { checkFetchOptions, fetchOptionsShape } from './fetch-options.ts';
import { checkFormatOptions, formatOptionsShape } from './format-options.ts';
import { checkRequestOptions, requestOptionsShape } from './request-options.ts';
import { proxyOptionsShape } from './proxy-options.ts';
import { actionOptionsShape, checkActionOptions } from './action-options.ts';

export const scrapeOptionsShape = {
  ...fetchOptionsShape,
  ...extractOptionsShape,
  ...formatOptionsShape,
  ...requestOptionsShape,
  ...proxyOptionsShape,
  ...actionOptionsShape,
  ...changeOptionsShape,
};

const shapeForTypes = z.strictObject(scrapeOptionsShape);
/** What a caller sends (defaults optional). */
export type ScrapeOptionsInput = z.input<typeof shapeForTypes>;
/** Validated options with defaults applied. */
export type ScrapeOptions = z.output<typeof shapeForTypes>;

const CHECKS = [checkFetchOptions, checkFormatOptions, checkRequestOptions, checkActionOptions, checkChangeOptions] as const;

/** Every cross-field rule of the scrape options, in group order. */
export const checkScrapeOptions: ScrapeOptionsCheck<ScrapeOptions> = (options, ctx) => {
  for (const check of CHECKS) check(options, ctx);
};

/** Scrape options alone (e.g. a crawl's `scrape`). */
export const scrapeOptionsSchema = z.strictObject(scrapeOptionsShape).superRefine(checkScrapeOptions);

export type { ScrapeOptionsCheck } from './check.ts';
export { extractOptionsShape, extractRuleSchema, extractSchema, type ExtractRule } from './extract-options.ts';
export { checkFetchOptions, fetchOptionsShape, jobModeSchema, type JobMode } from './fetch-options.ts';
export * from './format-options.ts';
export * from './request-options.ts';
export * from './proxy-options.ts';
export * from './action-options.ts';
export { changeOptionsShape, changeTrackingSchema, checkChangeOptions, type ChangeTracking } from './change-options.ts';
export { cssSelectorSchema, isStreamableSelector, narrowingSelectorSchema } from './selectors.ts';
