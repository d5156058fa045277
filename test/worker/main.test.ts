/**
 * @module test/worker/main
 * The worker as a process: a bad variable exits 1 naming it; SIGTERM closes gracefully with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

const MAIN = new URL('../../worker/src/main.ts', import.meta.url).pathname;
let h: Harness;
const children: ChildProcess[] = [];

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await h?.close();
});

describe('worker process', () => {
  it('exits 1 naming the invalid variable', async () => {
    const main = startMain({ QUARRY_CONCURRENCY: 'lots', REDIS_URL: h.broker.url });
    expect(await main.exited).toBe(1);
    expect(main.output()).toMatch(/QUARRY_CONCURRENCY: must be a whole number/);
  });

  it('serves jobs, then closes on SIGTERM with exit 0', async () => {
    const healthPort = await freePort();
    const main = startMain({
      REDIS_URL: h.broker.url, RESULT_REDIS_URL: h.results.url, QUARRY_PREFIX: h.prefix, LOG_LEVEL: 'info',
      QUARRY_HEALTH_PORT: String(healthPort), QUARRY_HEALTH_HOST: '127.0.0.1', QUARRY_SHUTDOWN_TIMEOUT_MS: '2000',
      QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.2/31',
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 200, { description: 'the worker to be ready' });
    const job = await h.add({ url: h.site.url(HOST_A, '/page/9') });
    await h.settled(job, ['completed']);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).toMatch(/"msg":"worker closed"/);
  });
});
