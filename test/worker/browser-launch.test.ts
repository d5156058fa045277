/**
 * Chromium as the worker launches it, real binary: no worker secret reaches the environment of
 * the browser or any of its children (read from /proc/<pid>/environ), and the sandbox fallback
 * is logged once per process with its reason. The sandbox itself, as uid 1000 in the image, is
 * checked by test/containers/worker-container.test.ts.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../dev/local/system-deps.ts';
import { launchChromium, stopChromium } from '../../worker/src/browser/browser-launch.ts';
import { processTree } from '../../worker/src/browser/process-tree.ts';
import { chromiumEnv } from '../../worker/src/browser/chromium-env.ts';
import { isEarlyExit, resetSandboxDecision, sandboxBlocker, sandboxDecision, settleSandbox } from '../../worker/src/browser/chromium-sandbox.ts';

/** Distinctive values, so a hit in environ is unambiguous. */
const SECRETS: Record<string, string> = {
  REDIS_URL: 'redis://:redis-pass-7f3a9c@127.0.0.1:6399',
  RESULT_REDIS_URL: 'redis://:results-pass-1b2c3d@127.0.0.1:6398',
  QUARRY_CALLBACK_SECRET: 'callback-secret-5e6f7a',
  QUARRY_CALLBACK_SECRETS: 'tenant-a:tenant-secret-8b9c0d',
  QUARRY_DASHBOARD_PASSWORD: 'dashboard-pass-2d3e4f',
  QUARRY_DASHBOARD_USER: 'dashboard-user-6a7b8c',
  UPSTASH_REDIS_REST_TOKEN: 'rest-token-9d0e1f',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-4c5d6e',
};

const executablePath = findChromium();
const saved = new Map<string, string | undefined>();
const browsers: Browser[] = [];

beforeAll(() => {
  // The worker's real situation: secrets in its own process environment.
  for (const [name, value] of Object.entries(SECRETS)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});

afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterEach(async () => {
  await Promise.all(browsers.splice(0).map((browser) => stopChromium(browser, 5_000)));
  resetSandboxDecision();
});

function environOf(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)) {
    const at = entry.indexOf('=');
    env.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return env;
}

interface Line { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }
function recorder() {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      info: (fields: object, message: string) => void lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
      warn: (fields: object, message: string) => void lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    },
  };
}

describe('Chromium launch', () => {
  it('keeps every worker secret out of the environment of Chromium and its renderers', async () => {
    const browser = await launchChromium({ executablePath, timeoutMs: 30_000 });
    browsers.push(browser);
    const page = await browser.newPage();
    await page.goto('data:text/html,<p>renderer</p>');
    const browserPid = browser.process()!.pid!;
    const pids = await processTree(browserPid);
    // Browser, zygotes, utility and renderer processes: all of them, not just the first.
    expect(pids.length).toBeGreaterThan(2);
    // The browser's environ is the one every child inherits. The zygote's children retitle
    // themselves over that memory, so theirs shows fragments; they are searched all the same.
    expect(environOf(browserPid).has('PATH'), `pid ${browserPid} environ was read`).toBe(true);
    for (const pid of pids) {
      let env: Map<string, string>;
      try {
        env = environOf(pid);
      } catch {
        continue; // exited between the listing and the read
      }
      const leaked = [...env].filter(([name, value]) => name in SECRETS || Object.values(SECRETS).some((secret) => value.includes(secret)));
      expect(leaked, `secrets in /proc/${pid}/environ`).toEqual([]);
    }
  });

  it('passes only allow-listed variables, with a default PATH', () => {
    const env = chromiumEnv({ ...SECRETS, HOME: '/home/node', LANG: 'C.UTF-8', NODE_OPTIONS: '--require /evil.js', LD_PRELOAD: '/evil.so' });
    expect(env).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/home/node', LANG: 'C.UTF-8' });
  });

  it.runIf(process.getuid?.() === 0)('as root, falls back to --no-sandbox and logs it once with the reason, however often it relaunches', async () => {
    const { lines, logger } = recorder();
    for (let i = 0; i < 2; i++) {
      const browser = await launchChromium({ executablePath, timeoutMs: 30_000, logger });
      browsers.push(browser);
      expect(readFileSync(`/proc/${browser.process()!.pid}/cmdline`, 'utf8').split('\0')).toContain('--no-sandbox');
    }
    expect(lines).toEqual([{ level: 'warn', fields: { chromiumSandbox: false, reason: expect.stringMatching(/running as root/) }, message: 'chromium runs without its sandbox (--no-sandbox)' }]);
  });

  it.runIf(process.getuid?.() === 0)('when the checks see no obstacle but the sandboxed launch dies, relaunches without the sandbox and logs why once', async () => {
    // A probe that cannot tell (no unshare): Chromium, as root, then dies at start like a denied sandbox.
    const sandboxProbe = { uid: 1000, sysctl: () => undefined, userNamespace: async () => undefined };
    const { lines, logger } = recorder();
    for (let i = 0; i < 2; i++) {
      const browser = await launchChromium({ executablePath, timeoutMs: 30_000, logger, sandboxProbe });
      browsers.push(browser);
      expect(readFileSync(`/proc/${browser.process()!.pid}/cmdline`, 'utf8').split('\0')).toContain('--no-sandbox');
    }
    expect(lines).toEqual([{ level: 'warn', fields: { chromiumSandbox: false, reason: expect.stringMatching(/^the sandboxed launch failed \(.+\) and an unsandboxed one started$/) }, message: 'chromium runs without its sandbox (--no-sandbox)' }]);
  });
});

describe('sandbox decision', () => {
  afterEach(() => resetSandboxDecision());
  const probe = (uid: number, sysctls: Record<string, string> = {}, userns?: string) => ({ uid, sysctl: (path: string) => sysctls[path], userNamespace: async () => userns });

  it('rules out root, kernels without unprivileged user namespaces and a failing unshare before any launch', async () => {
    expect(sandboxBlocker(probe(0))).toMatch(/running as root/);
    expect(sandboxBlocker(probe(1000, { '/proc/sys/kernel/unprivileged_userns_clone': '0' }))).toMatch(/unprivileged_userns_clone = 0/);
    expect(sandboxBlocker(probe(1000, { '/proc/sys/user/max_user_namespaces': '0' }))).toMatch(/max_user_namespaces = 0/);
    expect(sandboxBlocker(probe(1000, { '/proc/sys/kernel/unprivileged_userns_clone': '1', '/proc/sys/user/max_user_namespaces': '96362' }))).toBeUndefined();
    expect(await sandboxDecision(probe(1000))).toEqual({ sandbox: true, settled: false });
    expect(await sandboxDecision(probe(1000, {}, 'creating a user namespace failed (unshare: unshare failed: Operation not permitted)')))
      .toEqual({ sandbox: false, reason: 'creating a user namespace failed (unshare: unshare failed: Operation not permitted)', settled: false });
  });

  it('recognises Chromium dying at start, and settles once: a second outcome neither changes nor logs', async () => {
    expect(isEarlyExit(new Error('Failed to launch the browser process!\n[1:1:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu 23.10+ ...'))).toBe(true);
    // What Puppeteer reports over `pipe: true` when the zygote cannot make its namespaces (measured in a container).
    expect(isEarlyExit(new Error('Protocol error (Target.setDiscoverTargets): Target closed'))).toBe(true);
    expect(isEarlyExit(new Error('Timed out after 30000 ms while waiting for the WS endpoint URL to appear in stdout!'))).toBe(false);
    const { lines, logger } = recorder();
    settleSandbox({ sandbox: false, reason: 'the sandboxed launch failed: No usable sandbox!' }, logger);
    settleSandbox({ sandbox: true }, logger);
    expect(await sandboxDecision(probe(1000))).toEqual({ sandbox: false, reason: 'the sandboxed launch failed: No usable sandbox!', settled: true });
    expect(lines).toHaveLength(1);
  });
});
