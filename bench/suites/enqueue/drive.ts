/**
 * @module bench/suites/enqueue/drive
 * Load shapes for one enqueuer: sequential calls (latency, one in flight) and a fixed number
 * in flight (throughput).
 */
import { summarizeLatencies, type LatencySummary } from '../../measure/latency.ts';

/** `count` calls one after another; per-call latencies in ms. */
export async function sequential(count: number, call: (i: number) => Promise<void>): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call(i);
    samples.push(performance.now() - start);
  }
  return summarizeLatencies(samples);
}

/** `count` calls with `inFlight` running at any time; calls per second. */
export async function concurrent(count: number, inFlight: number, call: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < count) await call(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return count / ((performance.now() - start) / 1000);
}
