/**
 * @module worker/pipeline/page/page
 * The page stage: what a loader (fetch or render) hands to the outputs. One `Page` per run,
 * never changed after it is built; every output reads the same one. A loader is the stage that
 * turns an admitted job into a Page: fetch (HTTP) or render (browser), chosen by the job's mode.
 */
import type { Page as BrowserPage } from 'puppeteer-core';
import type { FetchedPage } from '../../http/http-fetcher.ts';
import type { Admission } from '../acquire/admission.ts';
import type { JobContext } from '../job-context.ts';
import type { LoadRoute } from '../../proxies/proxy-router.ts';

export interface Page {
  /** The URL that was requested. */
  url: string;
  /** The URL after redirects; relative links resolve against it (or the page's `<base href>`). */
  finalUrl: string;
  /** HTTP status of the final response. */
  status: number;
  /** `Content-Type` of the final response, or null when the server sent none. */
  contentType: string | null;
  /** Response headers of the final response, names lower-cased, repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The decoded HTML (browser mode: the rendered DOM), or null for a non-HTML body (not downloaded). */
  html: string | null;
  /** ISO-8601 time the run started to fetch the page (before the politeness gate). */
  fetchedAt: string;
  /** Size of `html` in bytes (0 when not read). */
  bytes: number;
  /**
   * The live browser page, set only while the render stage still holds it: for outputs that
   * need the browser (screenshots, PDFs). Never kept past the render: the page goes back to the pool.
   */
  browser?: BrowserPage;
}

export interface LoadInput {
  ctx: JobContext;
  /** The acquire stage's pass: the loader calls `admit()` right before its first request. */
  admission: Admission;
  /** The page's `fetchedAt`. */
  fetchedAt: string;
  /**
   * Render stage only: runs with the Page while the browser page is still leased
   * (`page.browser` set), for the outputs that need it. Its error ends the load.
   */
  whileLive?: (page: Page) => Promise<void>;
  /** Render stage only: load images, fonts and CSS too (the live-page outputs capture what people see). */
  loadAssets?: boolean;
  /** The proxy the job goes out through and its sticky session (worker/src/proxies/); direct when omitted. */
  route?: LoadRoute;
  /** Render stage only: runs on the loaded page before its DOM is read (browser actions). */
  beforeRead?: (page: BrowserPage) => Promise<void>;
}

/** Fetch or render: one per mode (pipeline/job-pipeline.ts picks it). */
export type Loader = (input: LoadInput) => Promise<Page>;

/** The Page of what the fetcher or the renderer read. */
export function pageOf(fetched: FetchedPage, fetchedAt: string): Page {
  const { url, finalUrl, status, contentType, headers, html, bytes } = fetched;
  return { url, finalUrl, status, contentType, headers, html, fetchedAt, bytes };
}
