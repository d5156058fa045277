/**
 * @module dev/local/container-engine
 * The container engine the image scripts, `npm start -- --containers` and the container tests
 * drive: Docker where a daemon answers, else podman, installed with apt (with runc) when it is
 * missing and we are root on Debian. A docker CLI without a daemon (this machine kind has one)
 * does not count. Commands run with argument arrays, never a shell.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingSystemDependencyError, aptInstall, onPath } from './system-deps.ts';

export type EngineName = 'podman' | 'docker';

export interface ContainerEngine {
  readonly name: EngineName;
  /** Flags every `run` and `build` needs on this host (podman: ulimits it may actually set). */
  readonly runFlags: string[];
  /** Runs the engine, returns stdout; throws with stderr on a non-zero exit. */
  exec(args: string[], options?: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number }): string;
  /** Runs the engine, returns the exit status (output discarded). */
  status(args: string[]): number;
  imageExists(ref: string): boolean;
  /** Image size in bytes as the engine reports it, or undefined when the image is missing. */
  imageSize(ref: string): number | undefined;
}

/** Thrown when no engine is usable and none can be installed. */
export class ContainerEngineUnavailableError extends MissingSystemDependencyError {
  override name = 'ContainerEngineUnavailableError';
}

function dockerDaemonAnswers(): boolean {
  if (!onPath('docker')) return false;
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * `--ulimit` flags podman can always apply. Its defaults (nofile 1048576, nproc 4194304) exceed
 * what this sandbox lets runc set ("error setting rlimit type 7: operation not permitted"), and
 * so did nproc above 32768 even under a hard limit of 96362 (measured). The caps are ample for a
 * worker: RLIMIT_NPROC counts threads per uid, and every container's uid 1000 is the same host
 * user, so 4 containers with Chromium (~200 threads each) stay far below 8192.
 */
export function hostUlimitFlags(limitsFile = '/proc/self/limits'): string[] {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return [];
  }
  const flags: string[] = [];
  for (const [label, name, cap] of [['Max open files', 'nofile', 65_536], ['Max processes', 'nproc', 8_192]] as const) {
    const hard = new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(text)?.[1];
    const value = hard === undefined ? cap : hard === 'unlimited' ? cap : Math.min(Number(hard), cap);
    if (Number.isFinite(value)) flags.push('--ulimit', `${name}=${value}:${value}`);
  }
  return flags;
}

function engine(name: EngineName): ContainerEngine {
  const runFlags = name === 'podman' ? hostUlimitFlags() : [];
  const exec: ContainerEngine['exec'] = (args, options = {}) => {
    const result = spawnSync(name, args, {
      input: options.input, env: options.env ?? process.env, encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    if (result.status !== 0) {
      const stderr = result.stderr?.toString().trim() || result.error?.message || `exit ${result.status}`;
      throw new Error(`${name} ${args.slice(0, 2).join(' ')} failed: ${stderr}`);
    }
    return result.stdout.toString();
  };
  const status = (args: string[]) => spawnSync(name, args, { stdio: 'ignore' }).status ?? 1;
  return {
    name, runFlags, exec, status,
    imageExists: (ref) => status(['image', 'inspect', ref]) === 0,
    imageSize: (ref) => {
      try {
        return Number(exec(['image', 'inspect', '--format', '{{.Size}}', ref]).trim());
      } catch {
        return undefined;
      }
    },
  };
}

/** Whether some engine is usable now or could be installed here (root with apt). */
export function containerEngineAvailable(): { ok: true } | { ok: false; reason: string } {
  if (dockerDaemonAnswers() || onPath('podman')) return { ok: true };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) return { ok: true };
  return { ok: false, reason: 'no Docker daemon, no podman, and podman cannot be installed here (needs root and apt-get)' };
}

/**
 * The engine to use: `QUARRY_CONTAINER_ENGINE` if set, else Docker with a live daemon, else
 * podman (installed with runc when missing; Debian's podman 4.3 runs rootful with runc here).
 */
export function ensureContainerEngine(options: { log?: (line: string) => void } = {}): ContainerEngine {
  const { log = (line: string) => console.error(line) } = options;
  const wanted = process.env.QUARRY_CONTAINER_ENGINE as EngineName | undefined;
  if (wanted && wanted !== 'podman' && wanted !== 'docker') {
    throw new ContainerEngineUnavailableError(`QUARRY_CONTAINER_ENGINE must be podman or docker, not "${wanted}"`);
  }
  if (wanted === 'docker' || (!wanted && dockerDaemonAnswers())) {
    if (!dockerDaemonAnswers()) throw new ContainerEngineUnavailableError('QUARRY_CONTAINER_ENGINE=docker, but `docker info` gets no answer from a daemon');
    return engine('docker');
  }
  if (!onPath('podman')) aptInstall(['podman', 'runc'], { log, why: 'to build and run the worker image' });
  if (!onPath('podman')) throw new ContainerEngineUnavailableError('podman is still missing after installing it');
  return engine('podman');
}

/** `podman info`/`docker version`, one line, for reports. */
export function engineVersion(e: ContainerEngine): string {
  try {
    return execFileSync(e.name, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return e.name;
  }
}

/** Bytes as MB with one decimal, the way the scripts print image sizes. */
export const megabytes = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / 1e6).toFixed(1)} MB`);

export interface ComposeTool {
  /** The command and its leading arguments: `podman-compose` or `docker compose`. */
  command: string[];
  /** Extra global flags every invocation needs on this host (podman: the ulimits of runFlags). */
  globalFlags: string[];
}

/**
 * podman as podman-compose 1.0.3 must call it for `network_mode: host`
 * (infra/compose.host-network.yaml). 1.0.3 passes the service's `--network host` but then also
 * `--net <project>_default --network-alias <service>` (containers/podman-compose#397; later
 * releases handle network_mode), which podman rejects ("--network-alias can only be set when the
 * network mode is bridge"), and creates that default network first. This wrapper drops those two options from a
 * `run`/`create` that has `--network host`, and answers `network exists` with yes so no network
 * is created. A service left off the host network then fails to start (its network does not
 * exist) instead of landing on a bridge. Everything else goes to podman unchanged.
 */
export function podmanHostNetworkWrapper(podman = 'podman'): string {
  return `#!/bin/sh
# Written by dev/local/container-engine.ts (podmanHostNetworkWrapper): see there.
if [ "$1" = network ] && { [ "$2" = exists ] || [ "$2" = create ]; }; then exit 0; fi
case "$1" in
  run|create)
    host=
    prev=
    for arg do
      if [ "$prev" = --network ] && [ "$arg" = host ]; then host=1; fi
      prev=$arg
    done
    if [ -n "$host" ]; then
      skip=
      for arg do
        shift
        if [ -n "$skip" ]; then skip=; continue; fi
        case "$arg" in --net|--network-alias) skip=1; continue ;; esac
        set -- "$@" "$arg"
      done
    fi
    ;;
esac
exec '${podman}' "$@"
`;
}

/**
 * A compose implementation for `engine`: Docker's compose plugin, or podman-compose from apt
 * (Debian 12: 1.0.3) with what it needs here — the CNI dnsname plugin (services find each other
 * by name; not for `hostNetwork`) and catatonit (`init: true`) — installed when missing. With
 * `hostNetwork`, podman-compose calls podman through podmanHostNetworkWrapper.
 */
export function ensureComposeTool(e: ContainerEngine, options: {
  log?: (line: string) => void;
  /** For infra/compose.host-network.yaml: a directory for the podman wrapper podman-compose 1.0.3 needs there. */
  hostNetwork?: { dir: string };
} = {}): ComposeTool {
  const { log = (line: string) => console.error(line), hostNetwork } = options;
  if (e.name === 'docker') {
    if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status !== 0) throw new ContainerEngineUnavailableError('docker has no compose plugin (`docker compose version` fails)');
    return { command: ['docker', 'compose'], globalFlags: [] };
  }
  const missing: string[] = [];
  if (!onPath('podman-compose')) missing.push('podman-compose');
  // Service names are only resolved on the compose network; the host network has none to resolve.
  if (!hostNetwork && !existsSync('/usr/lib/cni/dnsname')) missing.push('golang-github-containernetworking-plugin-dnsname');
  if (!existsSync('/usr/libexec/podman/catatonit')) missing.push('catatonit');
  if (missing.length > 0) aptInstall(missing, { log, why: 'to run infra/compose.yaml with podman' });
  const ulimits = e.runFlags.join(' ');
  // Builds also get host networking, as image:build does (no CNI setup per RUN step).
  const globalFlags = [`--podman-build-args=${ulimits} --network host`, `--podman-run-args=${ulimits}`];
  if (hostNetwork) {
    const wrapper = join(hostNetwork.dir, 'podman-host-network');
    writeFileSync(wrapper, podmanHostNetworkWrapper());
    chmodSync(wrapper, 0o755);
    globalFlags.unshift(`--podman-path=${wrapper}`);
  }
  return { command: ['podman-compose'], globalFlags };
}
