/**
 * @module dev/rest-server/encoding
 * Turns a raw RESP2 reply (Buffers, integers, nil, nested arrays) into the JSON value of
 * Upstash's `result`, base64-encoding every string when the client asked for it.
 */

/** What ioredis hands back for a command sent with `replyEncoding: null` over RESP2. */
export type RedisReply = Buffer | string | number | null | undefined | Error | readonly RedisReply[];

/** The JSON form of a reply: strings, numbers, null and arrays of those. */
export type JsonReply = string | number | null | JsonReply[];

/** How strings in `result` are written: `base64` when the request had `Upstash-Encoding: base64`. */
export type ReplyEncoding = 'base64' | 'plain';

/** Reads the `Upstash-Encoding` request header (case-insensitive value; anything else is plain). */
export function replyEncodingFromHeader(header: string | string[] | undefined): ReplyEncoding {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim().toLowerCase() === 'base64' ? 'base64' : 'plain';
}

function encodeString(bytes: Buffer, encoding: ReplyEncoding): string {
  // base64 carries the exact bytes; plain text is lossy for invalid UTF-8, as on Upstash.
  return encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
}

/**
 * Encodes one reply. Integers stay numbers and nil stays null in both modes. An error nested
 * inside an array (a Lua table holding `redis.error_reply(...)`) becomes its message string,
 * encoded like any other string, because Upstash's `result` has no per-element error slot.
 */
export function encodeReply(reply: RedisReply, encoding: ReplyEncoding): JsonReply {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply)) return encodeString(reply, encoding);
  if (typeof reply === 'string') return encodeString(Buffer.from(reply, 'utf8'), encoding);
  if (reply instanceof Error) return encodeString(Buffer.from(reply.message, 'utf8'), encoding);
  if (Array.isArray(reply)) return reply.map((item: RedisReply) => encodeReply(item, encoding));
  throw new TypeError(`Unexpected Redis reply of type ${typeof reply}`);
}
