/**
 * @module shared/hash-reply
 * An HGETALL reply as a record, whichever form the client gives it: ioredis returns an object,
 * @upstash/redis with automatic deserialization off the flat field/value list Redis sends.
 */
export function hashReplyToRecord(reply: unknown): Record<string, string> {
  if (!Array.isArray(reply)) return (reply ?? {}) as Record<string, string>;
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = String(reply[i + 1]);
  return record;
}
