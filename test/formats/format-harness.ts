/**
 * @module test/formats/format-harness
 * A fetched page from a string, and a format run with the default limits (or tighter ones).
 */
import { DEFAULT_FORMAT_LIMITS, runFormats, type FetchedPage, type FormatLimits, type FormatOptions } from '../../worker/src/formats/index.ts';
import type { FormatEntry } from '../../shared/scrape-options/index.ts';
import { FORMAT_PAGE_URL } from '../support/format-pages.ts';

export function pageOf(html: string | null, extra: Partial<FetchedPage> = {}): FetchedPage {
  return {
    url: FORMAT_PAGE_URL, finalUrl: FORMAT_PAGE_URL, status: 200, contentType: 'text/html; charset=utf-8',
    headers: {}, html, fetchedAt: '2026-01-02T03:04:05.000Z', ...extra,
  };
}

export async function run(page: FetchedPage, formats: FormatEntry[], scrape: Omit<FormatOptions['scrape'], 'mode'> = {}, limits: Partial<FormatLimits> = {}) {
  return (await runFormats(page, formats, { mode: 'http', ...scrape }, { limits: { ...DEFAULT_FORMAT_LIMITS, ...limits } })).result;
}
