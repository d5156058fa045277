/**
 * @module test/rest-server/protocol
 * The REST protocol over raw HTTP: auth, body limits, malformed bodies, refused commands,
 * base64 bytes, the path form, stats counters, concurrency and health.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN, startStack, type Stack } from './stack.ts';

const LIMIT = 64 * 1024;
const BASE64 = { 'upstash-encoding': 'base64' };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await stack?.close();
});

describe('auth', () => {
  const routes = ['/', '/pipeline', '/multi-exec'];
  const bodies: Record<string, unknown> = { '/': ['SET', 'auth:k', 'v'], '/pipeline': [['SET', 'auth:k', 'v']], '/multi-exec': [['SET', 'auth:k', 'v']] };

  it.each(routes)('answers 401 on POST %s without a token or with a wrong one, running nothing', async (path) => {
    for (const authorization of ['', 'Bearer wrong', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const reply = await stack.post(path, bodies[path], { authorization });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: expect.stringMatching(/Unauthorized/) });
    }
    expect((await stack.post('/', ['EXISTS', 'auth:k'])).body).toEqual({ result: 0 });
  });

  it('guards the stats routes but not health', async () => {
    expect((await stack.get('/__quarry/stats', { authorization: '' })).status).toBe(401);
    expect((await stack.post('/__quarry/stats/reset', '', { authorization: 'Bearer nope' })).status).toBe(401);
    const health = await fetch(`${stack.rest.url}/__quarry/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('request bodies', () => {
  it('answers 400 for malformed JSON and for bodies that are not commands', async () => {
    for (const [path, body] of [['/', '["GET"'], ['/', ''], ['/', '{"cmd":"GET"}'], ['/pipeline', '["GET","k"]'], ['/multi-exec', '[]']]) {
      const reply = await stack.post(path!, body!);
      expect(reply.status, `${path} ${body}`).toBe(400);
      expect(reply.body).toEqual({ error: expect.any(String) });
    }
  });

  it('answers 413 above the limit, by Content-Length or while streaming, and keeps serving', async () => {
    const big = JSON.stringify(['SET', 'big', 'x'.repeat(LIMIT)]);
    const declared = await stack.post('/', big);
    expect(declared.status).toBe(413);
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await fetch(`${stack.rest.url}/`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: stream, duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await stack.post('/', ['EXISTS', 'big'])).body).toEqual({ result: 0 });
    const justUnder = JSON.stringify(['SET', 'big', 'y'.repeat(LIMIT - 100)]);
    expect((await stack.post('/', justUnder)).body).toEqual({ result: 'OK' });
  });

  it('passes numbers and booleans as strings', async () => {
    expect((await stack.post('/', ['SET', 'args:n', 12.5])).status).toBe(200);
    expect((await stack.post('/', ['GET', 'args:n'])).body).toEqual({ result: '12.5' });
    await stack.post('/', ['SET', 'args:b', true]);
    expect((await stack.post('/', ['GET', 'args:b'])).body).toEqual({ result: 'true' });
  });
});

describe('replies', () => {
  it('base64-encodes exact bytes, keeps integers and nil, and nests arrays', async () => {
    const script = "redis.call('SET', KEYS[1], string.char(0, 128, 255, 10)) return {redis.call('GET', KEYS[1]), 5, false, {'ok'}}";
    const reply = await stack.post('/', ['EVAL', script, 1, 'bytes:k'], BASE64);
    // Lua false becomes nil.
    expect(reply.body).toEqual({ result: ['AID/Cg==', 5, null, [Buffer.from('ok').toString('base64')]] });
    expect((await stack.post('/', ['STRLEN', 'bytes:k'], BASE64)).body).toEqual({ result: 4 });
    expect((await stack.post('/', ['GET', 'bytes:none'], BASE64)).body).toEqual({ result: null });
  });

  it('answers 400 {error} for a Redis error on the single route, per entry on /pipeline', async () => {
    await stack.post('/', ['SET', 'err:s', 'x']);
    expect(await stack.post('/', ['HGET', 'err:s', 'f'])).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^WRONGTYPE/) } });
    const pipe = await stack.post('/pipeline', [['GET', 'err:s'], ['HGET', 'err:s', 'f'], ['EVALSHA', 'f'.repeat(40), 0]], BASE64);
    expect(pipe.status).toBe(200);
    expect(pipe.body).toEqual([
      { result: Buffer.from('x').toString('base64') },
      { error: expect.stringMatching(/^WRONGTYPE/) },
      { error: expect.stringMatching(/^NOSCRIPT/) },
    ]);
  });

  it('aborts a transaction that Redis refused while queueing, running none of it', async () => {
    const reply = await stack.post('/multi-exec', [['SET', 'tx:a', '1'], ['NOSUCH', 'x']]);
    expect(reply).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^EXECABORT.*unknown command/) } });
    expect((await stack.post('/', ['EXISTS', 'tx:a'])).body).toEqual({ result: 0 });
  });

  it('supports the GET path form, URL-decoded, and POST with the body as last argument', async () => {
    expect((await stack.get('/set/path%2Fkey/hello%20world')).body).toEqual({ result: 'OK' });
    expect((await stack.get('/get/path%2Fkey')).body).toEqual({ result: 'hello world' });
    expect((await stack.post('/set/path2', 'raw body value')).body).toEqual({ result: 'OK' });
    expect((await stack.get('/get/path2', BASE64)).body).toEqual({ result: Buffer.from('raw body value').toString('base64') });
  });
});

describe('refused commands', () => {
  it.each([
    [['BLPOP', 'q', '0'], /blocking command 'BLPOP'/],
    [['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'], /blocking command 'XREAD'/],
    [['SUBSCRIBE', 'ch'], /'SUBSCRIBE' is not supported/],
    [['MONITOR'], /'MONITOR' is not supported/],
    [['SELECT', '2'], /'SELECT' is not supported/],
  ])('refuses %j with 400', async (command, message) => {
    expect(await stack.post('/', command)).toMatchObject({ status: 400, body: { error: expect.stringMatching(message) } });
  });

  it('refuses a whole pipeline or transaction holding one, before running any of it', async () => {
    for (const path of ['/pipeline', '/multi-exec']) {
      const reply = await stack.post(path, [['SET', 'refused:k', 'v'], ['BRPOP', 'q', '1']]);
      expect(reply).toMatchObject({ status: 400, body: { error: expect.stringMatching(/BRPOP.*command 2/) } });
    }
    expect((await stack.post('/', ['EXISTS', 'refused:k'])).body).toEqual({ result: 0 });
  });
});

describe('stats', () => {
  beforeEach(() => stack.rest.resetStats());

  it('counts one round trip and N commands for a pipeline of N', async () => {
    const redis = stack.client({ enableAutoPipelining: false });
    const pipe = redis.pipeline();
    for (let i = 0; i < 25; i++) pipe.set(`stats:${i}`, i);
    await pipe.exec();
    await redis.multi().incr('stats:c').incr('stats:c').incr('stats:c').exec();
    await redis.get('stats:1');
    await redis.get('stats:2');
    const stats = stack.rest.stats();
    expect(stats.byRoute).toEqual({
      pipeline: { requests: 1, commands: 25, failures: 0 },
      multiExec: { requests: 1, commands: 3, failures: 0 },
      single: { requests: 2, commands: 2, failures: 0 },
    });
    expect(stats).toMatchObject({ requests: 4, commands: 30, failures: 0, unauthorized: 0 });
  });

  it('counts failures and refusals, and serves the same numbers over HTTP with a reset', async () => {
    await stack.post('/', ['BLPOP', 'q', '0']);
    await stack.post('/', '[');
    await stack.post('/', ['GET', 'x'], { authorization: 'Bearer no' });
    const overHttp = await stack.get('/__quarry/stats');
    expect(overHttp.body).toEqual(stack.rest.stats());
    expect(overHttp.body).toMatchObject({ requests: 2, commands: 0, failures: 2, unauthorized: 1 });
    expect((await stack.post('/__quarry/stats/reset', '')).body).toEqual({ result: 'OK' });
    expect(stack.rest.stats()).toMatchObject({ requests: 0, commands: 0, failures: 0, unauthorized: 0 });
  });
});

it('keeps replies matched to requests under concurrency (batched single commands)', async () => {
  const replies = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? stack.post('/', ['INCR', 'conc:counter']) : stack.post('/', ['ECHO', `echo-${i}`])),
  );
  const counts = replies.filter((_, i) => i % 2 === 0).map((r) => (r.body as { result: number }).result);
  expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  replies.forEach((r, i) => {
    if (i % 2 === 1) expect(r.body).toEqual({ result: `echo-${i}` });
  });
});

it('runs /multi-exec atomically while other requests share the connection', async () => {
  const requests = Array.from({ length: 60 }, (_, i) =>
    i % 3 === 0
      ? stack.post('/multi-exec', [['INCR', 'atomic:k'], ['INCR', 'atomic:k'], ['INCR', 'atomic:k']])
      : stack.post('/', ['INCR', 'atomic:k']));
  const replies = await Promise.all(requests);
  const seen: number[] = [];
  replies.forEach((reply, i) => {
    expect(reply.status).toBe(200);
    if (i % 3 !== 0) {
      seen.push((reply.body as { result: number }).result);
      return;
    }
    const values = (reply.body as Array<{ result: number }>).map((entry) => entry.result);
    // No other INCR may land between the three of a transaction.
    expect(values).toEqual([values[0], values[0]! + 1, values[0]! + 2]);
    seen.push(...values);
  });
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
});
