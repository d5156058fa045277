/**
 * @module shared/scrape-options/format-options
 * What a scrape returns besides `extract`: the page as markdown, cleaned HTML, raw HTML, links,
 * metadata, and browser-only screenshots and PDFs (stored as artifacts). `onlyMainContent`,
 * `includeTags` and `excludeTags` narrow `markdown` and `html`. No `formats` = the result shape
 * Quarry always had (title + extract).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import type { ScrapeOptionsCheck } from './check.ts';
import type { JobMode } from './fetch-options.ts';
import { narrowingSelectorSchema } from './selectors.ts';

/** Formats computed from the page's HTML: any mode. */
export const pageFormatNameSchema = z.enum(['markdown', 'html', 'rawHtml', 'links', 'metadata']);
export type PageFormatName = z.infer<typeof pageFormatNameSchema>;

const { screenshot: shotLimits } = LIMITS;

export const screenshotFormatSchema = z.strictObject({
  type: z.literal('screenshot'),
  /** The whole scrollable page instead of the viewport. */
  fullPage: z.boolean().optional(),
  /** JPEG quality 1–100; without it the screenshot is a PNG. */
  quality: z.int().min(1).max(100).optional(),
  /** CSS pixels of the browser window for this job. */
  viewport: z.strictObject({
    width: z.int().min(shotLimits.minSide).max(shotLimits.maxWidth),
    height: z.int().min(shotLimits.minSide).max(shotLimits.maxHeight),
  }).optional(),
});
export type ScreenshotFormat = z.infer<typeof screenshotFormatSchema>;

export const pdfFormatSchema = z.strictObject({ type: z.literal('pdf') });
export type PdfFormat = z.infer<typeof pdfFormatSchema>;

/** Formats that need the live browser page (they are stored as artifacts). */
export const browserFormatSchema = z.discriminatedUnion('type', [screenshotFormatSchema, pdfFormatSchema]);
export type BrowserFormat = z.infer<typeof browserFormatSchema>;

export const formatEntrySchema = z.union([pageFormatNameSchema, browserFormatSchema], {
  error: 'must be "markdown", "html", "rawHtml", "links", "metadata", {"type": "screenshot", …} or {"type": "pdf"}',
});
export type FormatEntry = z.infer<typeof formatEntrySchema>;
export type FormatName = PageFormatName | BrowserFormat['type'];

/** The name a format entry stands for: the string itself or the object's `type`. */
export function formatName(entry: FormatEntry): FormatName {
  return typeof entry === 'string' ? entry : entry.type;
}

const narrowingSelectors = z.array(narrowingSelectorSchema).max(LIMITS.narrowingSelectorsMax, `must hold at most ${LIMITS.narrowingSelectorsMax} selectors`);

export const formatOptionsShape = {
  formats: z.array(formatEntrySchema).min(1, 'must name at least one format (leave it out for the default result)').max(LIMITS.formatsMax).optional(),
  /** Markdown and HTML of the page's main content only (see docs/formats.md for the rule). */
  onlyMainContent: z.boolean().optional(),
  /** Markdown and HTML of only the elements these selectors match (and what they contain). */
  includeTags: narrowingSelectors.optional(),
  /** Markdown and HTML without the elements these selectors match. */
  excludeTags: narrowingSelectors.optional(),
};

interface FormatFields {
  mode?: JobMode;
  formats?: FormatEntry[] | undefined;
  onlyMainContent?: boolean | undefined;
  includeTags?: string[] | undefined;
  excludeTags?: string[] | undefined;
}

export const checkFormatOptions: ScrapeOptionsCheck<FormatFields> = (options, ctx) => {
  const formats = options.formats ?? [];
  const seen = new Set<string>();
  formats.forEach((entry, index) => {
    const name = formatName(entry);
    if (seen.has(name)) {
      ctx.addIssue({ code: 'custom', message: `lists "${name}" twice: name each format once`, path: ['formats', index], input: entry });
    }
    seen.add(name);
    if (typeof entry !== 'string' && options.mode !== 'browser') {
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" needs mode "browser": a plain HTTP fetch renders nothing to ${name === 'pdf' ? 'print' : 'capture'}; set "mode": "browser"`,
        path: ['formats', index],
        input: entry,
      });
    }
  });
  const narrows = seen.has('markdown') || seen.has('html');
  for (const field of ['onlyMainContent', 'includeTags', 'excludeTags'] as const) {
    if (options[field] !== undefined && !narrows) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} narrows the "markdown" and "html" formats: add one of them to formats, or leave ${field} out`,
        path: [field],
        input: options[field],
      });
    }
  }
};
