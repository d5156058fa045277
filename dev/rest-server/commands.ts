/**
 * @module dev/rest-server/commands
 * Runs the three kinds of REST request against Redis and shapes Upstash's replies:
 * `{result}` or `{error}` for one command, an array of those for `/pipeline` and `/multi-exec`.
 * Commands arrive validated and allowed (see command-policy).
 */
import type { RedisCommand } from './command-policy.ts';
import { encodeReply, type JsonReply, type ReplyEncoding } from './encoding.ts';
import { RedisUnavailableError, isRedisReplyError } from './errors.ts';
import type { CommandOutcome, RedisConnection } from './redis-connection.ts';

/** One entry of Upstash's reply. */
export type UpstashEntry = { result: JsonReply } | { error: string };

/** An HTTP answer: status and JSON body. */
export interface CommandResponse {
  status: number;
  body: UpstashEntry | UpstashEntry[];
}

/** A reply error is the command's answer; anything else means Redis could not answer at all. */
function replyErrorOrThrow(error: unknown): string {
  if (isRedisReplyError(error)) return error.message;
  throw new RedisUnavailableError(error);
}

function toEntries(outcomes: readonly CommandOutcome[], encoding: ReplyEncoding): UpstashEntry[] {
  // A connection failure anywhere fails the whole request with 503, even if some commands ran.
  return outcomes.map(([error, reply]) =>
    error ? { error: replyErrorOrThrow(error) } : { result: encodeReply(reply, encoding) },
  );
}

/**
 * `POST /`: a Redis error reply answers 400 `{error}`, as Upstash does; @upstash/redis throws on
 * it with the message (so `NOSCRIPT` reaches `createScript().exec()` and it falls back to EVAL).
 */
export async function runSingle(
  redis: RedisConnection, command: RedisCommand, encoding: ReplyEncoding,
): Promise<CommandResponse> {
  try {
    return { status: 200, body: { result: encodeReply(await redis.run(command), encoding) } };
  } catch (error) {
    return { status: 400, body: { error: replyErrorOrThrow(error) } };
  }
}

/** `POST /pipeline`: 200 with one entry per command, each a result or its own error. */
export async function runPipeline(
  redis: RedisConnection, commands: readonly RedisCommand[], encoding: ReplyEncoding,
): Promise<CommandResponse> {
  const outcomes = await redis.pipeline(commands).catch((error: unknown) => {
    throw new RedisUnavailableError(error);
  });
  return { status: 200, body: toEntries(outcomes, encoding) };
}

/**
 * `POST /multi-exec`: the commands run atomically. Runtime errors (WRONGTYPE) are per-entry, as in
 * EXEC; a command Redis refused while queueing aborts the whole transaction with 400.
 */
export async function runTransaction(
  redis: RedisConnection, commands: readonly RedisCommand[], encoding: ReplyEncoding,
): Promise<CommandResponse> {
  let outcomes: CommandOutcome[];
  try {
    outcomes = await redis.transaction(commands);
  } catch (error) {
    const message = replyErrorOrThrow(error);
    const previous = (error as { previousErrors?: unknown[] }).previousErrors ?? [];
    const first = previous.find(isRedisReplyError);
    return { status: 400, body: { error: first ? `${message} First error: ${first.message}` : message } };
  }
  return { status: 200, body: toEntries(outcomes, encoding) };
}
