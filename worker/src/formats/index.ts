/**
 * @module worker/formats
 * The registry of formats and the one function the pipeline calls: run every format a job asked
 * for on its fetched page and merge their parts. No `formats` = nothing here runs, and the
 * result keeps the shape it always had (title + extract).
 */
import { formatName, type FormatEntry, type FormatName } from '../../../shared/scrape-options/index.ts';
import { NonRetryableError } from '../errors/retry-policy.ts';
import type { ArtifactBytes, FormatContext, FormatDefinition, FormatOptions, FormatResult } from './define-format.ts';
import { htmlFormat } from './html.ts';
import { linksFormat } from './links.ts';
import { markdownFormat } from './markdown.ts';
import { metadataFormat } from './metadata.ts';
import type { FetchedPage } from './page.ts';
import { pdfFormat } from './pdf.ts';
import { rawHtmlFormat } from './raw-html.ts';
import { screenshotFormat } from './screenshot.ts';

/** Every format Quarry computes, by name; screenshot and pdf need the live page (`page.browser`). */
export const FORMATS: Partial<Record<FormatName, FormatDefinition>> = {
  markdown: markdownFormat,
  html: htmlFormat,
  rawHtml: rawHtmlFormat,
  links: linksFormat,
  metadata: metadataFormat,
  screenshot: screenshotFormat,
  pdf: pdfFormat,
};

/** A format the edge accepts but this worker cannot compute (an older worker during a rollout). */
export class UnsupportedFormatError extends NonRetryableError {
  constructor(name: string) {
    super(`This worker computes no "${name}" format (worker/src/formats/index.ts)`);
  }
}

export interface FormatsOutput {
  result: FormatResult;
  artifacts: ArtifactBytes[];
}

/** Runs `formats` in order on `page`; a format that throws fails the whole run (its error class says how to retry). */
export async function runFormats(page: FetchedPage, formats: readonly FormatEntry[], scrape: FormatOptions['scrape'], ctx: FormatContext): Promise<FormatsOutput> {
  const output: FormatsOutput = { result: {}, artifacts: [] };
  for (const entry of formats) {
    const format = FORMATS[formatName(entry)];
    if (!format) throw new UnsupportedFormatError(formatName(entry));
    const part = await format.run(page, { entry, scrape }, ctx);
    Object.assign(output.result, part.result);
    if (part.artifacts) output.artifacts.push(...part.artifacts);
  }
  return output;
}

export { DEFAULT_FORMAT_LIMITS, defineFormat, formatLimits } from './define-format.ts';
export { formatOutputs } from './formats-output.ts';
export type { ArtifactBytes, FormatContext, FormatDefinition, FormatLimits, FormatOptions, FormatOutput, FormatResult } from './define-format.ts';
export { CaptureTimeoutError, FormatInputTooDeepError, FormatInputTooLargeError, NoLivePageError } from './format-errors.ts';
export type { FetchedPage } from './page.ts';
