/**
 * The worker image, run for real (podman here, Docker where a daemon answers): built from
 * infra/docker/worker.Dockerfile, two worker containers on the host network behind the local
 * stack (0 worker processes), jobs enqueued through the edge. Checks what users rely on when they
 * run Quarry as containers: HTTP and browser jobs complete; a container stopped by the engine
 * (`podman stop`: SIGTERM to tini, then Node) during a long job hands the job back and it
 * completes once on the other container; the worker is non-root; Chromium starts, sandboxed
 * where the kernel allows, without the worker's secrets in its environment; the image's
 * HEALTHCHECK reports healthy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import type { WorkerContainer } from '../../dev/local/worker-container.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { expectedJsPage, expectedPage } from '../support/test-site-pages.ts';
import { buildWorkerImage, containerSkipReason, IMAGE_TIMEOUT_MS, removeDir, startContainerStack, tempLogDir, waitForFinalJob, type ContainerStack } from './container-stack.ts';

const skipReason = containerSkipReason();
if (skipReason) console.warn(`container tests skipped: ${skipReason}`);

const HOSTS = ['127.0.0.2', '127.0.0.3'];
/** In the workers' environment, so the test can look for them where they must not be. */
const SECRETS = { QUARRY_CALLBACK_SECRET: 'container-callback-secret-3f9e1a', QUARRY_DASHBOARD_PASSWORD: 'container-dashboard-pass-7c2b4d' };
/** Far beyond the drain deadline (3 s), so the stopped container is always interrupted. */
const SLOW_MS = 12_000;

let s: ContainerStack;
let logDir: string;
const containers: WorkerContainer[] = [];
/** Each container's User-Agent. */
const agentOf = new Map<WorkerContainer, string>();
const t0 = Date.now();

describe.skipIf(skipReason !== undefined)('worker image in containers', () => {
  beforeAll(async () => {
    logDir = tempLogDir('containers');
    const { engine, built } = await buildWorkerImage(logDir);
    s = await startContainerStack({
      name: 'ctr', hosts: HOSTS, engine, image: built.image, logDir,
      workerEnv: {
        ...SECRETS, QUARRY_CONCURRENCY: '4', QUARRY_BROWSER_PAGES: '2', QUARRY_SHUTDOWN_TIMEOUT_MS: '3000',
        QUARRY_RESPECT_ROBOTS: 'false',
        // Production-like locks: a stalled job here is a defect, not a slow machine.
        QUARRY_LOCK_DURATION_MS: '15000', QUARRY_STALLED_INTERVAL_MS: '5000',
      },
    });
    // Each container names itself in its User-Agent, so the site log says who fetched what.
    for (const agent of ['quarry-ctr-a', 'quarry-ctr-b']) {
      const container = await s.addContainer({ QUARRY_USER_AGENT: agent });
      containers.push(container);
      agentOf.set(container, agent);
    }
  }, IMAGE_TIMEOUT_MS);

  afterAll(async () => {
    await s?.close();
    removeDir(logDir);
    console.info(`container suite: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 120_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(s.logs());
  });

  const submit = async (body: unknown) => {
    const res = await s.edge.post('/v1/jobs', body);
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  it('completes HTTP and browser jobs enqueued through the edge', { timeout: 120_000 }, async () => {
    const http = await Promise.all([1, 2, 3, 4].map((n) => submit({ url: s.site.url('127.0.0.2', `/page/${n}`), extract: { heading: 'h1', price: '.price' } })));
    const browser = await Promise.all([5, 6, 7, 8].map((n) => submit({ url: s.site.url('127.0.0.3', `/js/${n}`), mode: 'browser', waitFor: '#rendered', extract: { rendered: '#rendered' } })));
    for (const [i, id] of http.entries()) {
      const job = await waitForFinalJob(s.edge, id, 60_000);
      expect(job).toMatchObject({ status: 'completed', result: { mode: 'http', httpStatus: 200, extract: { heading: expectedPage(i + 1).h1, price: expectedPage(i + 1).price } } });
    }
    for (const [i, id] of browser.entries()) {
      const job = await waitForFinalJob(s.edge, id, 90_000);
      expect(job).toMatchObject({ status: 'completed', result: { mode: 'browser', extract: { rendered: expectedJsPage(i + 5).rendered } } });
    }
  });

  it('runs the worker and Chromium as uid 1000, Chromium without the worker secrets in its environment', () => {
    // Chromium starts with a container's first browser job, and BullMQ may hand all four to one
    // container: every Chromium found is checked, and at least one must exist.
    let renderers = 0;
    for (const container of containers) {
      expect(s.engine.exec(['exec', container.name, 'id', '-u']).trim(), `${container.name}: id -u`).toBe('1000');
      const tree = processTree(container.pid());
      const node = tree.filter((pid) => cmdline(pid)[0] === 'node');
      expect(node.length, `${container.name}: a node process`).toBe(1);
      expect(uidOf(node[0]!), `${container.name}: node's uid`).toBe(1000);
      const chromium = tree.filter((pid) => cmdline(pid)[0]?.includes('chrom'));
      renderers += chromium.length;
      for (const pid of chromium) {
        expect(uidOf(pid), `${container.name}: Chromium pid ${pid} uid`).toBe(1000);
        const environ = safeRead(`/proc/${pid}/environ`);
        for (const [name, value] of Object.entries(SECRETS)) {
          expect(environ.includes(name) || environ.includes(value), `${container.name}: ${name} in /proc/${pid}/environ`).toBe(false);
        }
      }
      // The worker itself has them (the test would prove nothing otherwise).
      expect(safeRead(`/proc/${node[0]}/environ`)).toContain(SECRETS.QUARRY_CALLBACK_SECRET);
    }
    expect(renderers, 'Chromium processes in the containers (they rendered browser jobs)').toBeGreaterThan(0);
  });

  it('runs Chromium with its sandbox where the kernel allows unprivileged user namespaces', (context) => {
    const container = containers[0]!;
    // The kernel's answer for this container, independent of Chromium: can uid 1000 make a user namespace?
    const userns = tryExec(s.engine.name, ['exec', container.name, 'unshare', '--user', '--map-root-user', 'true']);
    const log = readFileSync(`${logDir}/${container.name}.log`, 'utf8');
    const decisions = log.split('\n').filter((line) => line.includes('"chromiumSandbox"'));
    expect(decisions, 'the sandbox decision is logged once').toHaveLength(1);
    if (!userns.ok) {
      expect(decisions[0]).toContain('"chromiumSandbox":false');
      console.warn(`sandbox test skipped: unprivileged user namespaces are not available in the container (${userns.error}); the worker logged ${decisions[0]}`);
      context.skip();
    }
    expect(JSON.parse(decisions[0]!)).toMatchObject({ chromiumSandbox: true, msg: 'chromium runs with its sandbox' });
    const tree = processTree(container.pid());
    const browser = tree.find((pid) => commandOf(pid).includes('chrom') && !commandOf(pid).includes('--type='))!;
    expect(cmdline(browser)).not.toContain('--no-sandbox');
    // Sandboxed renderers live in their own user namespace; unsandboxed ones share the browser's.
    const renderers = tree.filter((pid) => commandOf(pid).includes('--type=renderer'));
    expect(renderers.length).toBeGreaterThan(0);
    for (const pid of renderers) expect(namespaceOf(pid, 'user'), `renderer ${pid} user namespace`).not.toBe(namespaceOf(browser, 'user'));
  });

  it.runIf(process.platform === 'linux')('falls back to --no-sandbox where user namespaces are denied, and logs it once with the reason', { timeout: 180_000 }, async (context) => {
    if (s.engine.name !== 'podman') {
      console.warn("fallback test skipped: it edits podman's default seccomp profile to deny user namespaces");
      context.skip();
    }
    // podman's default profile, except that clone/unshare with CLONE_NEWUSER fail with EPERM and
    // clone3 (whose flags seccomp cannot read) with ENOSYS, as in Docker's default profile.
    const profile = join(logDir, 'seccomp-no-userns.json');
    writeFileSync(profile, JSON.stringify(denyUserNamespaces(JSON.parse(readFileSync('/usr/share/containers/seccomp.json', 'utf8')))));
    // Its own queue, so that only it takes these jobs; every job relaunches Chromium (recycle after 1).
    const prefix = `${s.prefix.slice(0, -1)}-nouserns}`;
    const container = await s.addContainer({ QUARRY_PREFIX: prefix, QUARRY_BROWSER_RECYCLE_PAGES: '1', QUARRY_USER_AGENT: 'quarry-ctr-nouserns' }, ['--security-opt', `seccomp=${profile}`]);
    expect(tryExec(s.engine.name, ['exec', container.name, 'unshare', '--user', '--map-root-user', 'true']).ok, 'userns denied in this container').toBe(false);
    const connection = s.broker.duplicate();
    const queue = new Queue(QUEUE_NAME, { connection, prefix });
    try {
      for (const n of [1, 2]) {
        await queue.add('browser', { request: jobRequestSchema.parse({ url: s.site.url('127.0.0.3', `/js/${n}?nouserns`), mode: 'browser', waitFor: '#rendered' }), acceptedAt: Date.now() }, { jobId: `nouserns-${n}` });
        await waitFor(async () => (await queue.getJobState(`nouserns-${n}`)) === 'completed', { timeoutMs: 90_000, intervalMs: 200, description: `job nouserns-${n} to complete` });
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const lines = readFileSync(join(logDir, `${container.name}.log`), 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'browser launched').length, 'Chromium launched more than once').toBeGreaterThanOrEqual(2);
    const decisions = lines.filter((line) => 'chromiumSandbox' in line);
    expect(decisions).toEqual([expect.objectContaining({ level: 40, chromiumSandbox: false, reason: expect.stringMatching(/^creating a user namespace failed \(unshare: unshare failed: Operation not permitted\)$/), msg: 'chromium runs without its sandbox (--no-sandbox)' })]);
    console.info(`sandbox fallback reason: ${String(decisions[0]!.reason)}`);
    expect(await container.stop()).toBe(0);
  });

  it("reports healthy through the image's HEALTHCHECK", { timeout: 60_000 }, async () => {
    for (const container of containers) {
      if (s.engine.name === 'podman') {
        // No systemd here for podman's healthcheck timers: run the image's check as the timer
        // would. Exit 0 is healthy (podman 4.3 prints nothing then, "unhealthy" and 1 otherwise).
        expect(tryExec('podman', ['healthcheck', 'run', container.name]), `${container.name} healthcheck run`).toEqual({ ok: true });
        expect(s.engine.exec(['inspect', '--format', '{{.State.Health.Status}}', container.name]).trim(), `${container.name} health status`).toBe('healthy');
      } else {
        await waitFor(() => s.engine.exec(['inspect', '--format', '{{.State.Health.Status}}', container.name]).trim() === 'healthy', { timeoutMs: 50_000, intervalMs: 1_000, description: `${container.name} healthy` });
      }
    }
  });

  it('a container stopped during a long job hands it back; it completes once on the other container', { timeout: 180_000 }, async () => {
    const browserId = await submit({ url: s.site.url('127.0.0.3', `/js/90?delay=${SLOW_MS}`), mode: 'browser', waitFor: '#rendered', timeoutMs: 60_000 });
    const fetchedBy = (path: string) => s.site.log.filter((entry) => entry.path.startsWith(path)).map((entry) => entry.userAgent);
    const holderAgent = await waitFor(() => fetchedBy('/js/90')[0], { timeoutMs: 60_000, description: 'a container to start rendering the long job' });
    const holder = containers.find((c) => agentOf.get(c) === holderAgent)!;
    const survivor = containers.find((c) => c !== holder)!;

    const stoppedAt = Date.now();
    const code = await holder.stop();
    const stopMs = Date.now() - stoppedAt;
    expect(code, `${holder.name} exit code after ${s.engine.name} stop`).toBe(0);
    // Drain deadline 3 s + hand-back + Chromium close; far below the engine's 30 s SIGKILL.
    expect(stopMs).toBeLessThan(20_000);
    expect(tryExec(s.engine.name, ['container', 'inspect', holder.name]).ok, 'the container is gone (--rm)').toBe(false);

    const job = await waitForFinalJob(s.edge, browserId, 90_000);
    expect(job).toMatchObject({ status: 'completed', result: { mode: 'browser', attempt: 1 } });
    // Rendered by the stopped container (interrupted) and once more by the survivor, nobody else.
    expect(fetchedBy('/js/90')).toEqual([holderAgent, agentOf.get(survivor)]);
    const events = await s.broker.xrange(s.queue.keys.events!, '-', '+');
    const of = (kind: string) => events.filter(([, fields]) => fields.includes(browserId) && fields[fields.indexOf('event') + 1] === kind).length;
    expect({ completed: of('completed'), failed: of('failed'), stalled: of('stalled') }).toEqual({ completed: 1, failed: 0, stalled: 0 });
    expect(await s.queue.getJobCounts('failed', 'wait', 'active', 'delayed', 'prioritized')).toEqual({ failed: 0, wait: 0, active: 0, delayed: 0, prioritized: 0 });
    const held = (await s.queue.getJob(browserId))!;
    expect({ attemptsMade: held.attemptsMade, stalledCounter: held.stalledCounter }).toEqual({ attemptsMade: 1, stalledCounter: 0 });
    console.info(`container drain: ${s.engine.name} stop of ${holder.name} took ${stopMs} ms (exit ${code}); job completed on ${survivor.name}`);
  });
});

function tryExec(command: string, args: string[]): { ok: true } | { ok: false; error: string } {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    return { ok: true };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { ok: false, error: stderr || (error as Error).message };
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const cmdline = (pid: number) => safeRead(`/proc/${pid}/cmdline`).split('\0').filter(Boolean);
/** The command line as one string: Chromium's children retitle themselves into a single argument. */
const commandOf = (pid: number) => cmdline(pid).join(' ');
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(safeRead(`/proc/${pid}/status`))?.[1]);
const namespaceOf = (pid: number, ns: string) => {
  try {
    return readlinkSync(`/proc/${pid}/ns/${ns}`);
  } catch {
    return '';
  }
};

/** `pid` and its descendants, from the host's /proc (the container's processes are host processes). */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    try {
      tree.push(...execFileSync('pgrep', ['-P', String(tree[i])], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number));
    } catch {
      // no children
    }
  }
  return tree;
}

interface SeccompRule { names: string[]; action: string; errnoRet?: number; args?: unknown[] }
const CLONE_NEWUSER = 0x10000000;

/** A copy of an OCI seccomp profile in which creating a user namespace fails. */
function denyUserNamespaces(profile: { syscalls: SeccompRule[] }): { syscalls: SeccompRule[] } {
  const gated = new Set(['clone', 'clone3', 'unshare']);
  const syscalls = profile.syscalls.map((rule) => (rule.action === 'SCMP_ACT_ALLOW' && !rule.args?.length ? { ...rule, names: rule.names.filter((name) => !gated.has(name)) } : rule));
  const withoutNewUser = [{ index: 0, value: CLONE_NEWUSER, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }];
  const withNewUser = [{ index: 0, value: CLONE_NEWUSER, valueTwo: CLONE_NEWUSER, op: 'SCMP_CMP_MASKED_EQ' }];
  syscalls.push(
    { names: ['clone', 'unshare'], action: 'SCMP_ACT_ALLOW', args: withoutNewUser },
    { names: ['clone', 'unshare'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: withNewUser },
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
  );
  return { ...profile, syscalls };
}
