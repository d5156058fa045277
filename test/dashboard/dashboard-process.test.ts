/**
 * dashboard-main as its own process, as a container runs it: it refuses to start without a
 * password (exit 1 naming the variable), and with one it serves the board until SIGTERM (exit 0);
 * the settings' other refusals, checked in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { loadConfig } from '../../worker/src/config.ts';
import { dashboardSettings } from '../../worker/src/dashboard/dashboard-settings.ts';
import { testPrefix } from '../worker/harness.ts';

const MAIN = resolve('worker/src/dashboard/dashboard-main.ts');
let redis: RedisServer;
beforeAll(async () => { redis = await startRedisServer({ appendOnly: false }); });
afterAll(async () => redis?.dispose());

const baseEnv = () => ({ PATH: process.env.PATH ?? '', REDIS_URL: redis.url, QUARRY_PREFIX: testPrefix(), LOG_LEVEL: 'silent' });

describe('dashboard process', () => {
  it('exits 1 without a password, naming the variable', () => {
    const run = spawnSync(process.execPath, [MAIN], { env: baseEnv(), encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/quarry-dashboard: QUARRY_DASHBOARD_PASSWORD: must be set/);
  });

  it.each([
    ['an empty password', {}, /QUARRY_DASHBOARD_PASSWORD: must be set/],
    ['a short password', { QUARRY_DASHBOARD_PASSWORD: 'hunter2' }, /QUARRY_DASHBOARD_PASSWORD: must be at least 12 characters/],
    ['a bad read-only flag', { QUARRY_DASHBOARD_PASSWORD: 'a-long-enough-password', QUARRY_DASHBOARD_READ_ONLY: 'yes' }, /QUARRY_DASHBOARD_READ_ONLY: must be true or false/],
    ['a user name with a colon', { QUARRY_DASHBOARD_PASSWORD: 'a-long-enough-password', QUARRY_DASHBOARD_USER: 'a:b' }, /QUARRY_DASHBOARD_USER: must not contain ":"/],
  ])('settings refuse %s', (_name, env, message) => {
    expect(() => dashboardSettings(loadConfig(env))).toThrow(message);
  });

  it('settings default to user admin, read-only, port 9466', () => {
    expect(dashboardSettings(loadConfig({ QUARRY_DASHBOARD_PASSWORD: 'a-long-enough-password' }))).toMatchObject({ user: 'admin', readOnly: true, port: 9466 });
  });

  it('serves the board behind auth and stops on SIGTERM', async () => {
    const port = await freePort();
    const password = 'a-long-enough-password';
    const child = spawn(process.execPath, [MAIN], {
      env: { ...baseEnv(), QUARRY_DASHBOARD_PASSWORD: password, QUARRY_DASHBOARD_PORT: String(port), QUARRY_DASHBOARD_HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${url}/healthz`)).ok, { timeoutMs: 20_000, description: 'the dashboard process to listen' });
      expect((await fetch(`${url}/api/queues`)).status).toBe(401);
      const authorization = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
      expect((await fetch(`${url}/api/queues`, { headers: { authorization } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
