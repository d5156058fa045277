/**
 * @module bench/formats/timing
 * Microbenchmark helpers: µs per call as the median of rounds, and the longest event-loop
 * block of one async call.
 */

/** Median µs per call of `fn` over `rounds` rounds of at least `minMs` each, after a warm-up. */
export function microsPerCall(fn: (i: number) => unknown, { rounds = 5, minMs = 200, warmup = 30 } = {}): number {
  for (let i = 0; i < warmup; i++) fn(i);
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < minMs) fn(calls++);
    perRound.push(((performance.now() - start) * 1000) / calls);
  }
  perRound.sort((a, b) => a - b);
  return perRound[Math.floor(perRound.length / 2)]!;
}

/** Same for an async function, awaited one call at a time. */
export async function microsPerAsyncCall(fn: (i: number) => Promise<unknown>, { rounds = 5, minMs = 200, warmup = 30 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < minMs) await fn(calls++);
    perRound.push(((performance.now() - start) * 1000) / calls);
  }
  perRound.sort((a, b) => a - b);
  return perRound[Math.floor(perRound.length / 2)]!;
}

/**
 * Wall time of `work`, and the longest stretch the event loop could not run a 1 ms timer,
 * counted as main-thread CPU time (process.threadCpuUsage): what the work blocked, not time
 * another process on a shared machine had the core.
 */
export async function timeAndBlock(work: () => Promise<unknown> | unknown): Promise<{ ms: number; blockMs: number }> {
  const cpuMs = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000; };
  let last = cpuMs();
  let blockMs = 0;
  const timer = setInterval(() => {
    const now = cpuMs();
    blockMs = Math.max(blockMs, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const start = performance.now();
  last = cpuMs();
  await work();
  const end = performance.now();
  clearInterval(timer);
  return { ms: end - start, blockMs: Math.max(blockMs, cpuMs() - last) };
}

export const fmt = (micros: number) => (micros >= 10_000 ? `${(micros / 1000).toFixed(0)} ms` : micros >= 1000 ? `${(micros / 1000).toFixed(1)} ms` : `${micros.toFixed(0)} µs`);
