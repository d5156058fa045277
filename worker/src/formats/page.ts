/**
 * @module worker/formats/page
 * The fetched page every format reads: what the fetcher (HTTP) or the renderer (browser) got.
 * The pipeline builds one per attempt; formats never change it.
 */
import type { Page as BrowserPage } from 'puppeteer-core';

export interface FetchedPage {
  /** The URL that was requested. */
  url: string;
  /** The URL after redirects; relative links resolve against it (or the page's `<base href>`). */
  finalUrl: string;
  /** HTTP status of the final response. */
  status: number;
  /** `Content-Type` of the final response, or null when the server sent none. */
  contentType: string | null;
  /** Response headers, names lower-cased. */
  headers: Readonly<Record<string, string>>;
  /** The decoded HTML (browser mode: the rendered DOM), or null for a non-HTML body. */
  html: string | null;
  /** ISO-8601 time the page was fetched. */
  fetchedAt: string;
  /** The live browser page, only while the render stage holds it: for `needsBrowser` formats (screenshot, pdf). */
  browser?: BrowserPage;
}
