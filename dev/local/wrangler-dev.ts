/**
 * @module dev/local/wrangler-dev
 * Runs the edge under `wrangler dev` (workerd) offline: no telemetry, no cf.json fetch, logs
 * and caches inside the project.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

export interface WranglerDevOptions {
  /** Project root (where node_modules and infra/ live). */
  root?: string;
  port?: number;
  ip?: string;
  /** Secrets and vars for the Worker, written to a temporary env file. */
  vars?: Record<string, string>;
  /** An existing env file (e.g. `.dev.vars`) instead of `vars`. */
  envFile?: string;
  /** Extra vars that override the wrangler.jsonc ones (`--var NAME:value`). */
  overrides?: Record<string, string>;
  /** Forward wrangler's output to this process's stdio. */
  inheritOutput?: boolean;
}

export interface WranglerDev {
  readonly url: string;
  readonly process: ChildProcess;
  /** The env file wrangler reads; one written from `vars` holds secrets and is deleted by `stop`. */
  readonly envFile: string;
  stop(): Promise<void>;
}

/** Environment that keeps wrangler off the network and its files inside the project. */
export function offlineWranglerEnv(root: string): NodeJS.ProcessEnv {
  const state = join(root, '.quarry', 'wrangler');
  // TMPDIR must exist: everything started with this environment (tests too) makes temp dirs in it.
  mkdirSync(join(state, 'tmp'), { recursive: true });
  mkdirSync(join(state, 'config'), { recursive: true });
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    XDG_CONFIG_HOME: join(state, 'config'),
    TMPDIR: join(state, 'tmp'),
  };
}

export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const { root = process.cwd(), ip = '127.0.0.1', vars = {}, overrides = {}, inheritOutput = false } = { ...options };
  const port = options.port ?? (await freePort());
  const env = offlineWranglerEnv(root);
  mkdirSync(env.TMPDIR!, { recursive: true });
  let envFile = options.envFile;
  let secretsDir: string | undefined;
  if (!envFile) {
    secretsDir = mkdtempSync(join(tmpdir(), 'quarry-edge-'));
    envFile = join(secretsDir, '.dev.vars');
    writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n', { mode: 0o600 });
  }
  // A copy of the secrets must not outlive the run (nor a failed start).
  const removeSecrets = () => { if (secretsDir) rmSync(secretsDir, { recursive: true, force: true }); };
  // Option arrays swallow following arguments in wrangler's parser: keep each flag's value attached.
  const args = [
    resolve(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '-c', resolve(root, 'infra/wrangler.jsonc'),
    `--ip=${ip}`, `--port=${port}`, `--env-file=${envFile}`, '--show-interactive-dev-session=false',
    `--persist-to=${join(root, '.quarry', 'wrangler', 'state')}`, '--log-level=warn',
    ...Object.entries(overrides).map(([k, v]) => `--var=${k}:${v}`),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', inheritOutput ? 'inherit' : 'ignore', inheritOutput ? 'inherit' : 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const url = `http://${ip}:${port}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}: ${stderr}`);
      return (await fetch(`${url}/healthz`)).ok;
    }, { timeoutMs: 60_000, intervalMs: 200, description: `wrangler dev on ${url}` });
  } catch (error) {
    child.kill('SIGKILL');
    removeSecrets();
    throw error;
  }
  return {
    url,
    process: child,
    envFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeSecrets();
    },
  };
}
