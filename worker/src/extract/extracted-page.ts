/**
 * @module worker/extract/extracted-page
 * What extraction returns and the one text clean-up both extraction paths apply.
 */
import type { JobResult } from '../../../shared/job-result.ts';

export type Extracted = JobResult['extract'];

export interface ExtractedPage {
  /** Text of the first `<title>`, trimmed and whitespace-collapsed; null when there is none. */
  title: string | null;
  /** One entry per rule. */
  extract: Extracted;
}

/** Trims and collapses runs of whitespace (including non-breaking spaces) to one space. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
