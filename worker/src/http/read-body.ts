/**
 * @module worker/http/read-body
 * Reads a response body as a stream, decompressing it and stopping as soon as it passes the
 * byte cap, so a huge (or zip-bomb) page costs at most `maxBytes` of memory.
 */
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ResponseTooLargeError } from '../errors/index.ts';

/** Codings the fetcher advertises in `Accept-Encoding`; each has a decoder below. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoderFor(contentEncoding: string | undefined) {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined; // identity, or a coding we never asked for: read the bytes as sent
  }
}

export interface ReadBodyOptions {
  /** Cap on the decoded body, in bytes. */
  maxBytes: number;
  /** The response's `Content-Encoding`. */
  contentEncoding?: string;
  /** The response's `Content-Length`, checked before reading anything. */
  contentLength?: string;
}

/** Resolves with the decoded bytes; rejects with `ResponseTooLargeError` past the cap. */
export async function readCappedBody(body: Readable, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes, contentEncoding, contentLength } = options;
  // A declared length over the cap fails without reading: compressed bytes only grow when decoded.
  if (contentLength !== undefined && Number(contentLength) > maxBytes) {
    body.destroy();
    throw new ResponseTooLargeError(maxBytes);
  }
  const decoder = decoderFor(contentEncoding);
  const source: Readable = decoder ? body.pipe(decoder) : body;
  if (decoder) body.once('error', (error) => decoder.destroy(error));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new ResponseTooLargeError(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } finally {
    // On any early exit, destroying the undici body aborts the download (and frees the socket).
    if (total > maxBytes || !body.readableEnded) body.destroy();
    decoder?.destroy();
  }
  return Buffer.concat(chunks, total);
}
