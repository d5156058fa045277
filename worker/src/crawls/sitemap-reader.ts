/**
 * @module worker/crawls/sitemap-reader
 * Reads a site's sitemaps for a crawl's seed job and for POST /v1/map: sitemap indexes followed
 * to their children, gzipped files (by their magic bytes, whatever the name or type) inflated,
 * `<loc>` values of `<url>` entries handed out in batches. Bounded everywhere: bytes per file
 * after inflating, files in all, URLs in all, a deadline per file; a file over a bound is cut
 * there (what was read counts) and the reason is reported.
 *
 * Requests go through the caller's `fetchFile`, which in the worker is the SSRF guard (its
 * DNS-pinning dispatcher and `checkUrl`) and the politeness gate's per-domain slot.
 * XML is parsed by htmlparser2 in XML mode as it streams in (the parser the worker already
 * uses): a 50 MB sitemap is never held whole. htmlparser2 does not expand external entities,
 * so an XML bomb of entity references stays text.
 */
import { createGunzip } from 'node:zlib';
import { Parser } from 'htmlparser2';

export interface SitemapLimits {
  /** Bytes read from one file after inflating. */
  maxBytes: number;
  /** Sitemap files fetched, indexes included. */
  maxFiles: number;
  /** Page URLs handed out in all. */
  maxUrls: number;
}

export const DEFAULT_SITEMAP_LIMITS: SitemapLimits = { maxBytes: 20 * 1024 * 1024, maxFiles: 50, maxUrls: 1_000_000 };

/** The body of one sitemap file as it streams in, or null when there is none (404, not reachable). */
export type FetchFile = (url: string) => Promise<AsyncIterable<Uint8Array> | null>;

export interface SitemapReport {
  /** Files read (or tried). */
  files: number;
  /** Files that answered with a body. */
  found: number;
  urls: number;
  /** Why a file was cut or skipped (bounds, errors), for the crawl's log. */
  notes: string[];
}

/** One batch of page URLs; return false to stop reading (the crawl's limit was reached). */
export type OnUrls = (urls: string[]) => Promise<boolean>;

const BATCH = 500;
const GZIP_MAGIC = [0x1f, 0x8b];

class Stop extends Error {}

async function* inflateIfGzipped(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (first.value[0] !== GZIP_MAGIC[0] || first.value[1] !== GZIP_MAGIC[1]) {
    yield first.value;
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const feed = (async () => {
    try {
      gunzip.write(first.value);
      for await (const chunk of rest) if (!gunzip.write(chunk)) await new Promise((resolve) => gunzip.once('drain', resolve));
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error as Error);
    }
  })();
  try {
    yield* gunzip;
  } finally {
    gunzip.destroy();
    await feed.catch(() => undefined);
  }
}

/** Reads one file: child sitemaps of an index into `children`, page URLs to `onUrl`. */
async function readFile(body: AsyncIterable<Uint8Array>, limits: SitemapLimits, children: string[], onUrl: (url: string) => Promise<void>, note: (text: string) => void): Promise<void> {
  const path: string[] = [];
  let text = '';
  const pending: string[] = [];
  const parser = new Parser({
    onopentag(name) {
      path.push(name.replace(/^.*:/, '').toLowerCase());
      text = '';
    },
    ontext(chunk) {
      if (path.at(-1) === 'loc' && text.length < 4096) text += chunk;
    },
    onclosetag() {
      const name = path.pop();
      if (name !== 'loc') return;
      const parent = path.at(-1);
      const loc = text.trim();
      if (!loc) return;
      if (parent === 'sitemap') children.push(loc);
      else if (parent === 'url') pending.push(loc);
    },
  }, { xmlMode: true, decodeEntities: true });
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of inflateIfGzipped(body)) {
    bytes += chunk.byteLength;
    if (bytes > limits.maxBytes) {
      note(`cut at ${limits.maxBytes} bytes`);
      break;
    }
    parser.write(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) await onUrl(pending.shift()!);
  }
  parser.end();
  while (pending.length > 0) await onUrl(pending.shift()!);
}

/**
 * Reads the sitemaps at `start` (and the children of any index among them), breadth first,
 * calling `onUrls` with batches of page URLs as given (absolute, not yet canonicalized).
 */
export async function readSitemaps(start: readonly string[], fetchFile: FetchFile, onUrls: OnUrls, limits: SitemapLimits = DEFAULT_SITEMAP_LIMITS): Promise<SitemapReport> {
  const report: SitemapReport = { files: 0, found: 0, urls: 0, notes: [] };
  const queue = [...new Set(start)];
  const visited = new Set(queue);
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const next = batch;
    batch = [];
    if (!(await onUrls(next))) throw new Stop();
  };
  try {
    while (queue.length > 0) {
      if (report.files >= limits.maxFiles) {
        report.notes.push(`stopped at ${limits.maxFiles} sitemap files`);
        break;
      }
      const url = queue.shift()!;
      report.files++;
      let body: AsyncIterable<Uint8Array> | null;
      try {
        body = await fetchFile(url);
      } catch (error) {
        report.notes.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (!body) continue;
      report.found++;
      const children: string[] = [];
      try {
        await readFile(body, limits, children, async (loc) => {
          if (report.urls >= limits.maxUrls) throw new Stop();
          report.urls++;
          batch.push(loc);
          if (batch.length >= BATCH) await flush();
        }, (text) => report.notes.push(`${url}: ${text}`));
      } catch (error) {
        if (error instanceof Stop) throw error;
        report.notes.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
      for (const child of children) {
        if (!visited.has(child)) {
          visited.add(child);
          queue.push(child);
        }
      }
    }
    await flush();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    if (report.urls >= limits.maxUrls) report.notes.push(`stopped at ${limits.maxUrls} URLs`);
  }
  return report;
}
