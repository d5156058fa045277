/**
 * @module dev/local/worker-image
 * Builds the `quarry-worker` image from infra/docker/worker.Dockerfile with the engine at hand,
 * on the official Node 24 base or the local one (local-base-image.ts). The engine's layer cache
 * does the caching: the `npm ci` layer is reused while package*.json are unchanged (and its
 * download cache is a `--mount=type=cache`), so a source change rebuilds from the `COPY` of the
 * sources on (~30-60 s here) and an unchanged tree is a cache hit throughout.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { ContainerEngine } from './container-engine.ts';
import { ensureBaseImage, LOCAL_BASE_IMAGE, type BaseImage } from './local-base-image.ts';
import { runCommand } from './run-command.ts';

/** What `image:build` tags; compose's `quarry-worker:dev` is the same image. */
export const WORKER_IMAGE = 'quarry-worker:latest';
const TAGS = ['quarry-worker:latest', 'quarry-worker:dev'];
const DOCKERFILE = 'infra/docker/worker.Dockerfile';

export interface WorkerImage {
  image: string;
  base: BaseImage;
  sizeBytes: number | undefined;
  /** The build alone, without the base. */
  seconds: number;
}

export interface WorkerImageOptions {
  root?: string;
  log?: (line: string) => void;
  /** Build output (a file in tests, the console for `npm run image:build`). */
  output?: Writable;
}

/** The engine-specific `build` flags for `base`. */
export function buildArgs(engine: ContainerEngine, base: string, dockerfile = DOCKERFILE): string[] {
  const podman = engine.name === 'podman' ? [
    // HEALTHCHECK only survives in Docker's image format; podman's default (OCI) drops it.
    '--format', 'docker',
    // No CNI bridge or iptables needed for apt and npm in RUN steps.
    '--network', 'host',
    '--layers',
    ...engine.runFlags,
  ] : [];
  // A local base exists only here: never try a registry for it.
  const pull = base === LOCAL_BASE_IMAGE ? (engine.name === 'podman' ? ['--pull=never'] : []) : [];
  return ['build', '-f', dockerfile, ...TAGS.flatMap((tag) => ['-t', tag]), '--build-arg', `NODE_IMAGE=${base}`, ...pull, ...podman, '.'];
}

export async function ensureWorkerImage(engine: ContainerEngine, options: WorkerImageOptions = {}): Promise<WorkerImage> {
  const { root = process.cwd(), log = () => undefined, output } = options;
  const base = await ensureBaseImage(engine, { root, log, ...(output ? { output } : {}) });
  log(`Building ${TAGS[0]} on ${base.image} with ${engine.name}…`);
  const t0 = Date.now();
  await runCommand(engine.name, buildArgs(engine, base.image), {
    cwd: resolve(root), output,
    // BuildKit for `RUN --mount=type=cache` when the engine is Docker.
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    timeoutMs: 20 * 60_000,
  });
  return { image: WORKER_IMAGE, base, sizeBytes: engine.imageSize(WORKER_IMAGE), seconds: (Date.now() - t0) / 1000 };
}
