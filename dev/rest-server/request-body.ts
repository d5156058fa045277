/**
 * @module dev/rest-server/request-body
 * Reads a request body under a size limit and parses it as JSON.
 */
import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError } from './errors.ts';

/**
 * Collects the body, rejecting with 413 as soon as it (or its declared Content-Length) passes
 * `limitBytes`. After a rejection the stream keeps flowing into the void, so the server can
 * still write its 413 on a socket that is not reset under the client.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume();
      reject(new PayloadTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', reject);
  });
}

/** Parses a JSON body; an empty or malformed one is a 400. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new BadRequestError('ERR empty request body: expected a JSON array');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(`ERR malformed JSON body: ${(error as Error).message}`);
  }
}
