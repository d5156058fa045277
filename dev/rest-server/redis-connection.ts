/**
 * @module dev/rest-server/redis-connection
 * The one ioredis connection behind the REST server: raw (Buffer, untransformed) replies,
 * same-tick batching of single commands, pipelines, MULTI/EXEC, and a bounded wait when
 * Redis is down so requests fail with 503 instead of hanging.
 */
import { Command, Redis, type Pipeline, type RedisOptions } from 'ioredis';
import type { RedisCommand } from './command-policy.ts';
import type { RedisReply } from './encoding.ts';
import type { RestServerLogger } from './logger.ts';

/** ioredis rewrites some replies by command name (HGETALL into an object); this keeps them flat. */
class RawCommand extends Command {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

const raw = ([name, ...args]: RedisCommand) => new RawCommand(name, [...args], { replyEncoding: null });

/** One entry of a pipeline or transaction: an error (reply or connection) or a reply. */
export type CommandOutcome = [error: Error | null, reply: RedisReply];

export interface RedisConnectionOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Upper bound on a command's wait, offline queue included; then it fails (and the request gets 503). */
  commandTimeoutMs: number;
  /** Gather single commands issued in the same event-loop turn into one socket write. */
  batching: boolean;
  logger: RestServerLogger;
}

export interface RedisConnection {
  /** One command; rejects with the reply error or a connection error. */
  run(command: RedisCommand): Promise<RedisReply>;
  /** Commands in order, one socket write; each outcome on its own (not atomic). */
  pipeline(commands: readonly RedisCommand[]): Promise<CommandOutcome[]>;
  /** MULTI ... EXEC; rejects with EXECABORT when Redis refused a command while queueing. */
  transaction(commands: readonly RedisCommand[]): Promise<CommandOutcome[]>;
  /** PING with its own deadline; false when not connected, without queueing. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Thrown when Redis has not answered within the deadline (hung server, long offline queue). */
export class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError';
}

/**
 * Rejects when `promise` has not settled within `ms`. The commands stay queued in ioredis, so a
 * late reply still lands on its own command and later replies stay matched to their requests.
 */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(`Command timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const { url, commandTimeoutMs, batching, logger } = options;
  const redisOptions: RedisOptions & { protocol?: number } = {
    // ioredis 6 defaults to RESP3 (maps, pushes); the REST protocol wants RESP2's flat arrays.
    protocol: 2,
    connectionName: 'quarry-rest-server',
    // Fail queued commands after one failed reconnect attempt rather than 20.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
    // No `commandTimeout`: it arms a timer per command (1,000 for a 1,000-command pipeline);
    // `withDeadline` arms one per request instead.
    connectTimeout: Math.min(commandTimeoutMs, 2_000),
  };
  const redis = new Redis(url, redisOptions);

  // ioredis emits 'error' on every failed reconnect: log changes, not every attempt.
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (lastError) logger.info({}, 'redis connection ready again');
    lastError = '';
  });

  let pending: RawCommand[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 1) {
      redis.sendCommand(batch[0]!);
      return;
    }
    const pipe = redis.pipeline() as unknown as Pipeline;
    for (const command of batch) pipe.sendCommand(command);
    // Each command settles its own promise; the pipeline's aggregate result is not needed.
    pipe.exec().catch(() => {});
  };

  const collect = async (pipe: Pipeline, commands: readonly RedisCommand[]) => {
    for (const command of commands) pipe.sendCommand(raw(command));
    const results = await withDeadline(pipe.exec(), commandTimeoutMs);
    if (!results) throw new Error('Transaction aborted');
    return results as CommandOutcome[];
  };

  return {
    run(command) {
      const cmd = raw(command);
      if (!batching) {
        redis.sendCommand(cmd);
      } else {
        if (pending.length === 0) setImmediate(flush);
        pending.push(cmd);
      }
      return withDeadline(cmd.promise, commandTimeoutMs);
    },
    pipeline: (commands) => collect(redis.pipeline() as unknown as Pipeline, commands),
    transaction: (commands) => collect(redis.multi() as unknown as Pipeline, commands),
    async ping(timeoutMs) {
      if (redis.status !== 'ready') return false;
      const cmd = raw(['PING']);
      cmd.setTimeout(timeoutMs);
      redis.sendCommand(cmd);
      try {
        const reply: unknown = await cmd.promise;
        return Buffer.isBuffer(reply) && reply.toString() === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (redis.status === 'ready') {
        // QUIT waits for outstanding replies; a hung Redis must not hang the shutdown.
        await withDeadline(redis.quit(), 1_000).catch(() => redis.disconnect());
      } else {
        redis.disconnect();
      }
    },
  };
}
