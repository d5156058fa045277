/**
 * @module shared/scrape-options/fetch-options
 * How the page is fetched: plain HTTP or headless Chromium, what to wait for, how long, robots.txt.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import type { ScrapeOptionsCheck } from './check.ts';
import { cssSelectorSchema } from './selectors.ts';

/** Fetch with plain HTTP (fast) or render in headless Chromium (runs the page's JavaScript). */
export const jobModeSchema = z.enum(['http', 'browser']);
export type JobMode = z.infer<typeof jobModeSchema>;

export const fetchOptionsShape = {
  mode: jobModeSchema.default('http'),
  /** Browser mode: wait until this selector matches before reading the page. */
  waitFor: cssSelectorSchema.optional(),
  timeoutMs: z.int().min(LIMITS.timeoutMs.min).max(LIMITS.timeoutMs.max).default(LIMITS.timeoutMs.default),
  /** Skip robots.txt for this job; only API keys with the `robots:ignore` scope may set it. */
  ignoreRobots: z.boolean().optional(),
};

export const checkFetchOptions: ScrapeOptionsCheck<{ mode?: JobMode; waitFor?: string }> = (options, ctx) => {
  if (options.waitFor !== undefined && options.mode !== 'browser') {
    ctx.addIssue({
      code: 'custom',
      message: 'waitFor needs mode "browser": a plain HTTP fetch runs no JavaScript to wait for',
      path: ['waitFor'],
      input: options.waitFor,
    });
  }
};
