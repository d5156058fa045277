/**
 * @module test/rest-server/conformance
 * The conformance suite is @upstash/redis itself, talking to the local REST server in front of
 * a real redis-server, with and without its JSON deserialization and auto-pipelining.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from '@upstash/redis';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const CONFIGS = [
  { name: 'default client (deserializing, auto-pipelining)', options: {}, parsed: true },
  {
    name: 'raw client (automaticDeserialization: false, no auto-pipelining)',
    options: { automaticDeserialization: false, enableAutoPipelining: false },
    parsed: false,
  },
] as const;

describe.each(CONFIGS)('$name', ({ options, parsed }) => {
  let redis: Redis;
  let n = 0;
  /** A fresh key per test, so the two configurations never see each other's data. */
  const key = (suffix: string) => `conf:${parsed ? 'parsed' : 'raw'}:${n}:${suffix}`;
  beforeEach(() => {
    redis = stack.client(options);
    n += 1;
  });

  it('sets and gets strings, unicode and bytes >= 0x80 as text', async () => {
    const values = ['plain', 'héllo wörld 🚀 日本語', '\u00ff\u0080\u00e9 latin-1 range', ''];
    for (const [i, value] of values.entries()) {
      expect(await redis.set(key(`s${i}`), value)).toBe('OK');
      expect(await redis.get(key(`s${i}`))).toBe(value);
    }
    expect(await redis.get(key('missing'))).toBeNull();
    expect(await redis.strlen(key('s1'))).toBe(Buffer.byteLength(values[1]!));
  });

  it('round-trips numbers', async () => {
    await redis.set(key('n'), 41);
    expect(await redis.incr(key('n'))).toBe(42);
    expect(await redis.get(key('n'))).toBe(parsed ? 42 : '42');
    // INCRBYFLOAT answers a bulk string in RESP2: only the deserializing client makes it a number.
    expect(await redis.incrbyfloat(key('f'), 1.5)).toBe(parsed ? 1.5 : '1.5');
    expect(await redis.decrby(key('n'), 50)).toBe(-8);
  });

  it('keeps hashes flat on the wire (HSET, HGETALL, HMGET)', async () => {
    expect(await redis.hset(key('h'), { a: 1, b: 'two', c: 'ü' })).toBe(3);
    const all = await redis.hgetall(key('h'));
    if (parsed) expect(all).toEqual({ a: 1, b: 'two', c: 'ü' });
    else expect(all).toEqual(['a', '1', 'b', 'two', 'c', 'ü']);
    expect(await redis.hmget(key('h'), 'b', 'zz', 'c')).toEqual(parsed ? { b: 'two', zz: null, c: 'ü' } : ['two', null, 'ü']);
    expect(await redis.hgetall(key('nohash'))).toEqual(parsed ? null : []);
  });

  it('works with lists', async () => {
    expect(await redis.rpush(key('l'), 'a', 'b', 'c')).toBe(3);
    expect(await redis.lpush(key('l'), 'z')).toBe(4);
    expect(await redis.lrange(key('l'), 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await redis.lpop(key('l'))).toBe('z');
    expect(await redis.llen(key('l'))).toBe(3);
  });

  it('works with sorted sets, scores included', async () => {
    await redis.zadd(key('z'), { score: 2, member: 'two' }, { score: 1, member: 'one' }, { score: 3.5, member: 'x' });
    expect(await redis.zrange(key('z'), 0, -1)).toEqual(['one', 'two', 'x']);
    expect(await redis.zrange(key('z'), 0, 0, { withScores: true })).toEqual(parsed ? ['one', 1] : ['one', '1']);
    expect(Number(await redis.zscore(key('z'), 'x'))).toBe(3.5);
    expect(Number(await redis.zincrby(key('z'), 2, 'one'))).toBe(3);
    expect(await redis.zcard(key('z'))).toBe(3);
  });

  it('runs an explicit pipeline', async () => {
    const results = await redis.pipeline().set(key('p'), 'v').get(key('p')).incr(key('pc')).hset(key('ph'), { f: 'x' }).exec();
    expect(results).toEqual(['OK', 'v', 1, 1]);
  });

  it('runs a transaction atomically, runtime errors failing only their command', async () => {
    const results = await redis.multi().set(key('m'), '1').incr(key('m')).get(key('m')).exec();
    expect(results).toEqual(parsed ? ['OK', 2, 2] : ['OK', 2, '2']);
    await expect(redis.multi().set(key('m2'), 'str').hget(key('m2'), 'f').set(key('m3'), 'after').exec()).rejects.toThrow(/WRONGTYPE/);
    // EXEC semantics: the other commands of the transaction still ran.
    expect(await redis.get(key('m3'))).toBe('after');
  });

  it('evaluates scripts with nested table replies', async () => {
    const script = "return {KEYS[1], ARGV[1], 7, {ARGV[2], 8}, redis.call('SET', KEYS[1], ARGV[1])}";
    const result = await redis.eval(script, [key('e')], ['arg', 'inner']);
    expect(result).toEqual([key('e'), 'arg', 7, ['inner', 8], 'OK']);
    expect(await redis.get(key('e'))).toBe('arg');
  });

  it('loads scripts and calls them with EVALSHA', async () => {
    const sha = await redis.scriptLoad('return ARGV[1] .. KEYS[1]');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, ['k'], ['v'])).toBe('vk');
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it('falls back from EVALSHA to EVAL after SCRIPT FLUSH (createScript().exec())', async () => {
    const script = redis.createScript<string>(`return 'fresh-' .. ARGV[1] -- ${key('script')}`);
    expect(await script.exec([], ['a'])).toBe('fresh-a');
    expect(await redis.scriptFlush()).toBe('OK');
    await expect(script.evalsha([], ['b'])).rejects.toThrow(/NOSCRIPT/);
    expect(await script.exec([], ['c'])).toBe('fresh-c');
    // The fallback EVAL cached the script again.
    expect(await script.evalsha([], ['d'])).toBe('fresh-d');
  });

  it('throws on Redis errors (wrong type, unknown command)', async () => {
    await redis.set(key('str'), 'x');
    await expect(redis.hget(key('str'), 'f')).rejects.toThrow(/WRONGTYPE/);
    await expect(redis.lpush(key('str'), 'a')).rejects.toThrow(/WRONGTYPE/);
    await expect(redis.exec(['NOSUCHCOMMAND', 'x'])).rejects.toThrow(/unknown command/);
  });

  it('refuses blocking commands instead of stalling the shared connection', async () => {
    await expect(redis.exec(['BLPOP', key('q'), '0'])).rejects.toThrow(/blocking command 'BLPOP'/);
    await expect(redis.exec(['BZPOPMIN', key('q'), '1'])).rejects.toThrow(/blocking/);
  });
});

it('rejects a client with the wrong token', async () => {
  const redis = stack.client({ token: 'wrong-token' });
  await expect(redis.get('anything')).rejects.toThrow(/Unauthorized/);
});
