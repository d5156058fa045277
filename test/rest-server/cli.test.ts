/**
 * @module test/rest-server/cli
 * The CLI entry: announces itself on stdout, serves, and exits 0 on SIGTERM; refuses to start
 * without a token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';

const MAIN = fileURLToPath(new URL('../../dev/rest-server/main.ts', import.meta.url));
let redisServer: RedisServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: false });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redisServer?.dispose();
});

function run(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

it('prints one listening line, serves with the env token, and exits 0 on SIGTERM', async () => {
  const { child, output, exited } = run(['--port', '0', '--redis-url', redisServer.url], {
    UPSTASH_REDIS_REST_TOKEN: 'cli-token',
    LOG_LEVEL: 'silent',
  });
  const url = await waitFor(() => /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(output.stdout)?.[1], {
    timeoutMs: 15_000,
    description: 'the listening line',
  });
  const reply = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer cli-token' }, body: '["PING"]' });
  expect(await reply.json()).toEqual({ result: 'PONG' });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it('refuses to start without a token', async () => {
  const { output, exited } = run(['--port', '0', '--redis-url', redisServer.url], {});
  expect(await exited).not.toBe(0);
  expect(output.stderr).toMatch(/UPSTASH_REDIS_REST_TOKEN/);
  expect(output.stdout).toBe('');
});
