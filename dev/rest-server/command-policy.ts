/**
 * @module dev/rest-server/command-policy
 * Validates request bodies into commands (arrays of strings) and refuses the commands a REST
 * front of one shared connection cannot serve: blocking ones, subscriptions, connection state.
 */
import { BadRequestError } from './errors.ts';

/** A command as sent to Redis: name first, every argument a string. */
export type RedisCommand = readonly [name: string, ...args: string[]];

/** Upstash's REST API has no blocking commands; one would also stall the shared connection. */
const BLOCKING = new Set([
  'BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'WAIT', 'WAITAOF',
]);
/** Turn the shared connection into a push-only subscriber or a replica stream. */
const STREAMING = new Set([
  'SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE', 'MONITOR', 'SYNC', 'PSYNC',
]);
/** Change per-connection state that every other request on the connection would inherit. */
const CONNECTION_STATE = new Set([
  'SELECT', 'AUTH', 'HELLO', 'QUIT', 'RESET', 'CLIENT', 'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH',
]);

function toArgument(value: unknown, position: string): string {
  // Upstash's clients send strings, numbers and booleans; Redis only knows strings.
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new BadRequestError(`ERR ${position} must be a string, a finite number or a boolean`);
}

/** Validates `["CMD", ...args]`; `where` names the entry in error messages. */
export function parseCommand(value: unknown, where = 'command'): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequestError(`ERR ${where} must be a non-empty JSON array like ["SET","key","value"]`);
  }
  const [name, ...args] = value.map((item, index) => toArgument(item, `${where} element ${index}`));
  if (!name || /\s/.test(name)) throw new BadRequestError(`ERR ${where} has an invalid command name`);
  return [name, ...args];
}

/** Validates `[["CMD", ...], ...]` for `/pipeline` and `/multi-exec`. */
export function parseCommandList(value: unknown): RedisCommand[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequestError('ERR body must be a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]');
  }
  return value.map((entry, index) => parseCommand(entry, `command ${index + 1}`));
}

function hasBlockOption(args: readonly string[]): boolean {
  // XREAD [COUNT n] [BLOCK ms] STREAMS ...: only tokens before STREAMS are options.
  for (const arg of args) {
    const token = arg.toUpperCase();
    if (token === 'STREAMS') return false;
    if (token === 'BLOCK') return true;
  }
  return false;
}

/** Why this server refuses a command, or undefined when it may run. */
export function refusalReason(command: RedisCommand): string | undefined {
  const [rawName, ...args] = command;
  const name = rawName.toUpperCase();
  if (BLOCKING.has(name) || ((name === 'XREAD' || name === 'XREADGROUP') && hasBlockOption(args))) {
    return `ERR blocking command '${name}' is not supported over REST (Upstash has none): use a TCP connection`;
  }
  if (STREAMING.has(name)) {
    return `ERR '${name}' is not supported over REST: it needs a dedicated TCP connection`;
  }
  if (CONNECTION_STATE.has(name)) {
    return `ERR '${name}' is not supported over REST: it would change the shared connection's state`;
  }
  return undefined;
}

/** Throws a 400 for the first refused command of a request, before any of it runs. */
export function assertAllowed(commands: readonly RedisCommand[]): void {
  for (const [index, command] of commands.entries()) {
    const reason = refusalReason(command);
    if (reason) throw new BadRequestError(commands.length > 1 ? `${reason} (command ${index + 1})` : reason);
  }
}
