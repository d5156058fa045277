/**
 * @module bench/measure/redis-counters
 * What a Redis server did in a window: command calls from `INFO commandstats` and its CPU
 * seconds from `INFO cpu`, read before and after and subtracted.
 */
import type { Redis } from 'ioredis';

export interface RedisCounters {
  /** Calls by lower-case command name (`evalsha`, `bzpopmin`, …). */
  calls: Record<string, number>;
  /** used_cpu_user + used_cpu_sys of the server (main thread and children). */
  cpuSeconds: number;
}

/**
 * Commands the bench itself sends inside a window (reading these counters); left out of every
 * delta. Its clients connect before the window, so their CLIENT/HELLO calls are not in it.
 */
const OWN_COMMANDS = new Set(['info', 'config']);

export async function readRedisCounters(client: Redis): Promise<RedisCounters> {
  const [commandstats, cpu] = await Promise.all([client.info('commandstats'), client.info('cpu')]);
  const calls: Record<string, number> = {};
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: field('used_cpu_user') + field('used_cpu_sys') };
}

export interface RedisDelta {
  /** Calls in the window, the bench's own reads excluded. */
  commands: number;
  byCommand: Record<string, number>;
  cpuSeconds: number;
}

export function diffRedisCounters(before: RedisCounters, after: RedisCounters): RedisDelta {
  const byCommand: Record<string, number> = {};
  let commands = 0;
  for (const [name, count] of Object.entries(after.calls)) {
    const delta = count - (before.calls[name] ?? 0);
    // Redis 7 names subcommands `client|setname`: exclude by the command itself.
    if (delta <= 0 || OWN_COMMANDS.has(name.split('|')[0]!)) continue;
    byCommand[name] = delta;
    commands += delta;
  }
  return { commands, byCommand, cpuSeconds: after.cpuSeconds - before.cpuSeconds };
}
