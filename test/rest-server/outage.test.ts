/**
 * @module test/rest-server/outage
 * Redis going away and coming back: prompt 503s (the edge turns them into 503 + Retry-After),
 * a failing health probe, and recovery without restarting the REST server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startStack, type Stack } from './stack.ts';

const COMMAND_TIMEOUT_MS = 2_000;
let stack: Stack;

beforeAll(async () => {
  // AOF on, so a clean stop and start keep the data, as in the compose stack.
  stack = await startStack({ commandTimeoutMs: COMMAND_TIMEOUT_MS }, { appendOnly: true });
});
afterAll(async () => {
  await stack?.close();
});

const health = async () => (await fetch(`${stack.rest.url}/__quarry/health`)).status;

it('answers 503 promptly while Redis is down and recovers when it is back', async () => {
  expect((await stack.post('/', ['SET', 'outage:k', 'kept'])).body).toEqual({ result: 'OK' });
  await stack.redisServer.stop();

  const started = Date.now();
  const replies = await Promise.all([
    stack.post('/', ['GET', 'outage:k']),
    stack.post('/pipeline', [['GET', 'outage:k'], ['INCR', 'outage:n']]),
    stack.post('/multi-exec', [['INCR', 'outage:n']]),
  ]);
  // Well under the command timeout: ioredis gives up after one failed reconnect attempt.
  expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 500);
  for (const reply of replies) {
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({ error: expect.stringMatching(/Redis is unavailable/) });
  }
  expect(await health()).toBe(503);
  await expect(stack.client().get('outage:k')).rejects.toThrow(/unavailable/);
  expect(stack.rest.stats().failures).toBe(4);

  await stack.redisServer.start();
  await waitFor(async () => (await health()) === 200, { timeoutMs: 10_000, description: 'health 200 after restart' });
  expect((await stack.post('/', ['GET', 'outage:k'])).body).toEqual({ result: 'kept' });
  expect(await stack.client().incr('outage:n')).toBe(1);
});

it('answers 503 after the command timeout when Redis hangs, and stays in step afterwards', async () => {
  const proc = stack.redisServer.process();
  proc.kill('SIGSTOP');
  try {
    const started = Date.now();
    const reply = await stack.post('/', ['SET', 'outage:hung', 'late']);
    const elapsed = Date.now() - started;
    expect(reply).toMatchObject({ status: 503, body: { error: expect.stringMatching(/timed out/) } });
    expect(elapsed).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
  } finally {
    proc.kill('SIGCONT');
  }
  // The late reply to the timed-out SET must not be handed to the next request.
  expect((await stack.post('/', ['ECHO', 'next'])).body).toEqual({ result: 'next' });
  expect((await stack.post('/', ['GET', 'outage:hung'])).body).toEqual({ result: 'late' });
});
