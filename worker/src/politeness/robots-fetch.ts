/**
 * @module worker/src/politeness/robots-fetch
 * The default robots.txt fetcher: undici with a deadline and a body cap. It does NOT guard
 * against SSRF (private addresses, DNS rebinding); production should inject the guarded fetcher.
 */
import { fetch, type Dispatcher } from 'undici';
import { ROBOTS_MAX_BYTES, type FetchRobots } from './robots-policy.ts';

export interface UndiciRobotsFetcherOptions {
  /** Whole-request deadline (connect, headers, body), ms. */
  timeoutMs?: number;
  /** Sent as `User-Agent`. */
  userAgent?: string;
  /** Bytes of body kept; the rest is not downloaded. */
  maxBytes?: number;
  /** undici dispatcher, e.g. the SSRF guard's DNS-pinning one (checks every connection, redirects included). */
  dispatcher?: Dispatcher;
}

const DEFAULTS = { timeoutMs: 10_000, userAgent: 'QuarryBot', maxBytes: ROBOTS_MAX_BYTES } satisfies Required<Omit<UndiciRobotsFetcherOptions, 'dispatcher'>>;

export function createUndiciRobotsFetcher(options: UndiciRobotsFetcherOptions = {}): FetchRobots {
  const { timeoutMs, userAgent, maxBytes } = { ...DEFAULTS, ...options };
  const { dispatcher } = options;
  return async (url) => {
    // undici follows up to 20 redirects; RFC 9309 asks for at least 5.
    const response = await fetch(url, {
      headers: { 'user-agent': userAgent, accept: 'text/plain, */*;q=0.5' },
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (response.status < 200 || response.status >= 300 || !response.body) {
      await response.body?.cancel();
      return { status: response.status, body: '' };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= maxBytes) break; // leaving the loop cancels the stream: no more bytes are read
    }
    return { status: response.status, body: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8') };
  };
}
