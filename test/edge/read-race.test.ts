/**
 * The read race of GET /v1/jobs/:id: the edge reads the broker (state) and the result store
 * (result) in parallel, so a worker can store the result and finish the job between the two
 * reads, and the view said `completed` without a result. Made deterministic here: the result
 * store's first read answers as it was just before the worker's SET, which lands right after.
 * `completed` must still come with its result, and the usual read costs no extra command.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../shared/job-result.ts';
import { queueKeys, resultKey } from '../../shared/keys.ts';
import { readJob } from '../../edge/src/jobs/read-job.ts';
import { edgeHarness } from './edge-harness.ts';

function resultOf(url: string): JobResult {
  return { url, finalUrl: url, httpStatus: 200, title: 'T', extract: {}, fetchedAt: new Date().toISOString(), durationMs: 3, mode: 'http', attempt: 1 };
}

/** The result store, whose first pipeline read runs `afterFirstRead` before it answers; counts lone GETs. */
function racingResults(results: Redis, afterFirstRead: () => Promise<void>) {
  let first = true;
  const counts = { gets: 0 };
  const client = new Proxy(results, {
    get(target, prop) {
      if (prop === 'get') {
        return (...args: Parameters<Redis['get']>) => {
          counts.gets += 1;
          return target.get(...args);
        };
      }
      if (prop === 'pipeline') {
        return () => {
          const pipe = target.pipeline();
          const exec = pipe.exec.bind(pipe);
          pipe.exec = (async () => {
            const reply = await exec();
            if (first) {
              first = false;
              await afterFirstRead();
            }
            return reply;
          }) as typeof pipe.exec;
          return pipe;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client, counts };
}

/** A job the broker already holds as completed (what BullMQ's finish leaves). */
async function completedJob(broker: Redis, prefix: string, id: string): Promise<void> {
  const keys = queueKeys(prefix);
  await broker.hset(keys.job(id), { name: 'http', timestamp: Date.now(), processedOn: Date.now(), finishedOn: Date.now(), atm: 1, ats: 1, opts: '{"attempts":3}', data: '{}' });
  await broker.zadd(keys.key('completed'), { score: Date.now(), member: id });
}

describe('readJob and the worker finishing in between', () => {
  it('a job read as completed comes with its result, though the result store was read just before the worker stored it', async () => {
    const edge = edgeHarness();
    const id = `race-${crypto.randomUUID()}`;
    const result = resultOf('https://example.com/race');
    await completedJob(edge.broker, edge.prefix, id);
    const { client, counts } = racingResults(edge.results, async () => {
      await edge.results.set(resultKey(edge.prefix, id), JSON.stringify(result));
    });
    const view = await readJob(edge.broker, client, edge.prefix, id);
    expect(view?.status).toBe('completed');
    expect(view?.result).toEqual(result);
    expect(counts.gets).toBe(1);
  });

  it('reads nothing more when the result was there (the usual case)', async () => {
    const edge = edgeHarness();
    const id = `plain-${crypto.randomUUID()}`;
    const result = resultOf('https://example.com/plain');
    await completedJob(edge.broker, edge.prefix, id);
    await edge.results.set(resultKey(edge.prefix, id), JSON.stringify(result));
    const { client, counts } = racingResults(edge.results, async () => undefined);
    expect((await readJob(edge.broker, client, edge.prefix, id))?.result).toEqual(result);
    expect(counts.gets).toBe(0);
  });
});
