/**
 * @module shared/scrape-options/change-options
 * Change tracking: the result says whether the page changed since the last scrape of the same
 * (tenant, canonical URL, tag), and how: `fields` diffs the extracted values, `markdown` the
 * page's markdown (the `markdown` format).
 * `callbackOn: "change"` calls `callbackUrl` only when there is something new (`new`,
 * `changed`, `removed`).
 */
import { z } from 'zod';
import type { ScrapeOptionsCheck } from './check.ts';
import { formatName, type FormatEntry } from './format-options.ts';

export const changeTrackingSchema = z.strictObject({
  /** `fields`: a structured diff of `extract`; `markdown`: a unified diff of the page's markdown. */
  mode: z.enum(['fields', 'markdown']),
  /** Separate histories for the same URL (e.g. one per extraction recipe). */
  tag: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of letters, digits, "_", "." and "-"').optional(),
});
export type ChangeTracking = z.infer<typeof changeTrackingSchema>;

export const changeOptionsShape = {
  changeTracking: changeTrackingSchema.optional(),
  /** `always` (default): every finish; `change`: only when changeTracking reports new, changed or removed. */
  callbackOn: z.enum(['always', 'change']).optional(),
};

interface ChangeFields {
  changeTracking?: ChangeTracking | undefined;
  callbackOn?: 'always' | 'change' | undefined;
  formats?: FormatEntry[] | undefined;
  extract?: Record<string, unknown>;
}

export const checkChangeOptions: ScrapeOptionsCheck<ChangeFields> = (options, ctx) => {
  const tracking = options.changeTracking;
  if (options.callbackOn === 'change' && !tracking) {
    ctx.addIssue({ code: 'custom', path: ['callbackOn'], input: options.callbackOn, message: '"change" needs changeTracking: without it there is no change to call back on' });
  }
  if (tracking?.mode === 'markdown' && !(options.formats ?? []).some((entry) => formatName(entry) === 'markdown')) {
    ctx.addIssue({ code: 'custom', path: ['changeTracking', 'mode'], input: tracking.mode, message: 'markdown change tracking diffs the page\'s markdown: add "markdown" to formats' });
  }
  if (tracking?.mode === 'fields' && Object.keys(options.extract ?? {}).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['changeTracking', 'mode'], input: tracking.mode, message: 'fields change tracking diffs the extracted values: give extract at least one field' });
  }
};
