/**
 * @module dev/rest-server/bench
 * Measures the local REST server (run in its own process, as in the stack): sequential
 * single-command latency, a 1,000-command pipeline, and concurrent throughput with and without
 * batching, against ioredis over TCP as the floor. `node dev/rest-server/bench.ts`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis } from 'ioredis';
import { startRedisServer } from '../local/redis-server.ts';
import { waitFor } from '../local/wait-for.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'bench-token';
const SEQUENTIAL = 2_000;
const PIPELINE = 1_000;
const PIPELINE_RUNS = 50;
const CONCURRENT_TOTAL = 6_000;
const CONCURRENCY = 16;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

/** CPU milliseconds (user + system) a process has used, from /proc: wall time is noisy on shared cores. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs `body` and prints the server's CPU time per operation. */
async function serverCpu(label: string, pid: number | undefined, operations: number, body: () => Promise<void>) {
  const before = cpuMs(pid);
  await body();
  const perOp = (cpuMs(pid) - before) / operations;
  console.log(`  server CPU for ${label}: ${fmt(perOp)} per request`);
}

/** Runs `call` sequentially before timing: the first requests run cold (JIT, connection setup). */
async function warmUp(call: () => Promise<unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await call();
}

/** Sequential calls after a warm-up; prints p50 and p99. */
async function latency(label: string, call: () => Promise<unknown>): Promise<void> {
  await warmUp(call, 500);
  const samples: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: p50 ${fmt(percentile(samples, 50))}, p99 ${fmt(percentile(samples, 99))} (${SEQUENTIAL} sequential)`);
}

async function timeMedian(label: string, runs: number, call: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${fmt(percentile(times, 50))}, min ${fmt(times[0]!)} (${runs} runs)`);
}

async function throughput(label: string, call: () => Promise<unknown>): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (issued++ < CONCURRENT_TOTAL) await call();
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}: ${Math.round(CONCURRENT_TOTAL / seconds)} req/s (${CONCURRENCY} in flight, ${CONCURRENT_TOTAL} requests)`);
}

async function startServer(redisUrl: string, batching: boolean): Promise<{ url: string; child: ChildProcess }> {
  const args = [MAIN, '--port', '0', '--redis-url', redisUrl, ...(batching ? [] : ['--no-batching'])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await waitFor(() => /listening on (\S+)/.exec(stdout)?.[1], { timeoutMs: 15_000, description: 'rest server' });
  return { url, child };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const redisServer = await startRedisServer({ appendOnly: false });
const direct = new Redis(redisServer.url);
const setMany = (pipe: { set(key: string, value: string): unknown; exec(): Promise<unknown> }) => {
  for (let i = 0; i < PIPELINE; i++) pipe.set(`bench:p:${i}`, `value-${i}`);
  return pipe.exec();
};
try {
  await direct.set('bench:key', 'x'.repeat(100));
  await latency('ioredis GET over TCP (floor)', () => direct.get('bench:key'));
  await warmUp(() => setMany(direct.pipeline()), 30);
  await timeMedian(`ioredis pipeline of ${PIPELINE} SETs (floor)`, PIPELINE_RUNS, () => setMany(direct.pipeline()));

  for (const batching of [true, false]) {
    const { url, child } = await startServer(redisServer.url, batching);
    const tag = batching ? 'batching on' : 'batching off';
    try {
      const client = new UpstashRedis({
        url, token: TOKEN, enableTelemetry: false, automaticDeserialization: false, enableAutoPipelining: false,
      });
      const get = () => client.get('bench:key');
      await warmUp(get, 500);
      await serverCpu('sequential GETs', child.pid, SEQUENTIAL + 500, () =>
        latency(`@upstash/redis GET via REST (${tag})`, get));
      await serverCpu('concurrent GETs', child.pid, CONCURRENT_TOTAL, () =>
        throughput(`@upstash/redis GET via REST (${tag})`, get));
      if (!batching) continue;
      const body = JSON.stringify(['GET', 'bench:key']);
      const headers = { authorization: `Bearer ${TOKEN}`, 'upstash-encoding': 'base64' };
      await latency(`raw fetch GET via REST (${tag})`, async () => (await fetch(url, { method: 'POST', headers, body })).json());
      await warmUp(() => setMany(client.pipeline()), 30);
      await serverCpu(`${PIPELINE}-SET pipelines`, child.pid, PIPELINE_RUNS, () =>
        timeMedian(`pipeline of ${PIPELINE} SETs via REST`, PIPELINE_RUNS, () => setMany(client.pipeline())));
    } finally {
      await stopServer(child);
    }
  }
} finally {
  direct.disconnect();
  await redisServer.stop();
}
