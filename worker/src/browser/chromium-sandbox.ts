/**
 * @module worker/browser/chromium-sandbox
 * Whether this worker's Chromium runs with its sandbox, decided once per process and reported
 * once. Chromium's Linux sandbox needs unprivileged user namespaces (Debian's build has no setuid
 * helper) and refuses to run as root. Before the first launch the worker asks the kernel the same
 * question Chromium will: can this user create a user namespace with its own PID and network
 * namespaces (`unshare --user --pid --net --fork true`, util-linux, in every Debian image)? A
 * container's seccomp filter, an AppArmor userns restriction or a sysctl all answer no there.
 * Without `unshare` on PATH, the first sandboxed launch is the probe: if it dies at start and an
 * unsandboxed one then starts, the sandbox was the cause (with `pipe: true` Chromium's FATAL line
 * is not in Puppeteer's error, only "Target closed").
 *
 * The decision holds for the process's life: every relaunch after a crash or recycle would
 * otherwise pay for the probe again, and the log would repeat.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface SandboxLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface SandboxDecision {
  sandbox: boolean;
  /** Why not, when `sandbox` is false. */
  reason?: string;
  /** Decided by an earlier launch (no probe, no try, no log). */
  settled: boolean;
}

export interface SandboxProbe {
  uid: number | undefined;
  /** A sysctl's value, undefined when the file does not exist (e.g. non-Debian kernels). */
  sysctl(path: string): string | undefined;
  /** Why a user namespace cannot be created here; undefined when it can or when the probe cannot tell. */
  userNamespace(): Promise<string | undefined>;
}

const UNSHARE_TIMEOUT_MS = 5_000;

export const hostProbe: SandboxProbe = {
  uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  sysctl(path) {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  userNamespace: () => new Promise((resolve) => {
    execFile('unshare', ['--user', '--pid', '--net', '--fork', 'true'], { timeout: UNSHARE_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      // No unshare binary: no answer; the launch itself decides.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
      resolve(`creating a user namespace failed (${String(stderr).trim() || error.message})`);
    });
  }),
};

/** A reason the sandbox cannot work here, known without launching; undefined when it may. */
export function sandboxBlocker(probe: Pick<SandboxProbe, 'uid' | 'sysctl'> = hostProbe): string | undefined {
  if (probe.uid === 0) return 'running as root (uid 0): Chromium refuses to start its sandbox as root; run the worker as a non-root user (the image uses uid 1000)';
  if (probe.sysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') return 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)';
  if (probe.sysctl('/proc/sys/user/max_user_namespaces') === '0') return 'user namespaces are disabled (user.max_user_namespaces = 0)';
  return undefined;
}

/**
 * Chromium died at start, as it does when its sandbox cannot be set up: its FATAL message when
 * Puppeteer has it, "Target closed" when Chromium went away over the pipe. Not a launch timeout.
 */
export function isEarlyExit(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  if (/timed out|timeout/i.test(text)) return false;
  return /no usable sandbox|sandbox|namespace|zygote|target closed|failed to launch/i.test(text);
}

let settled: { sandbox: boolean; reason?: string } | undefined;
const current = () => settled;

/** What the next launch should do: the settled answer, or the checks' verdict (`settled: false`). */
export async function sandboxDecision(probe: SandboxProbe = hostProbe): Promise<SandboxDecision> {
  if (settled) return { ...settled, settled: true };
  const reason = sandboxBlocker(probe) ?? (await probe.userNamespace());
  // Another launch may have settled it while the probe ran.
  const late = current();
  if (late) return { ...late, settled: true };
  return reason === undefined ? { sandbox: true, settled: false } : { sandbox: false, reason, settled: false };
}

/** Records the outcome of the first launch and logs it, once per process; returns the settled decision. */
export function settleSandbox(decision: { sandbox: boolean; reason?: string }, logger?: SandboxLogger): SandboxDecision {
  if (settled) return { ...settled, settled: true };
  settled = decision.sandbox ? { sandbox: true } : { sandbox: false, reason: decision.reason ?? 'unknown' };
  if (settled.sandbox) logger?.info({ chromiumSandbox: true }, 'chromium runs with its sandbox');
  else logger?.warn({ chromiumSandbox: false, reason: settled.reason }, 'chromium runs without its sandbox (--no-sandbox)');
  return { ...settled, settled: true };
}

/** Forgets the decision (tests only: a process decides once). */
export function resetSandboxDecision(): void {
  settled = undefined;
}
