/**
 * @module test/infra/worker-dockerfile
 * infra/docker/worker.Dockerfile, statically: stages, non-root runtime, tini, Chromium, build
 * inputs that exist, a CMD that the build emits, ENV the worker understands, and a HEALTHCHECK
 * that really tells a ready worker from one that is not (run against the worker's health server).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_CANDIDATES } from '../../worker/src/config-table.ts';
import { startHealthServer } from '../../worker/src/health-server.ts';
import { loadBuildLayout, localImportClosure, sourceOf } from './build-layout.ts';
import { commandWords, copyPaths, envOf, healthcheckCommand, instructionsOf, lastOf, parseDockerfile, workdirOf, type Stage } from './dockerfile.ts';
import { workerDefault, WORKER_ENV } from './known-env.ts';
import { readRepoFile, repoHas } from './repo.ts';

const FILE = 'infra/docker/worker.Dockerfile';
const dockerfile = parseDockerfile(readRepoFile(FILE));
const runtime = dockerfile.stages.at(-1)!;
const layout = loadBuildLayout();
const at = (stage: Stage, field: string) => `${FILE}: stage ${stage.name ?? stage.index} (line ${stage.line}) ${field}`;

/** The stage a `COPY --from=` names, by name or index. */
const stageNamed = (ref: string | undefined) => dockerfile.stages.find((s) => ref !== undefined && (s.name === ref.toLowerCase() || String(s.index) === ref));
/** The runtime's `COPY --from=<stage> <workdir>/dist …`. */
const distCopy = instructionsOf(runtime, 'COPY').find((c) => c.flags.from && copyPaths(c).sources.some((s) => /\/dist\/?$/.test(s)));

describe(FILE, () => {
  it('is multi-stage on node:24-bookworm-slim by default, the base a build ARG, the runtime without the build tooling', () => {
    expect(dockerfile.stages.length, `${FILE}: FROM count`).toBeGreaterThanOrEqual(2);
    // `ARG NAME=default` before the first FROM: what `FROM ${NAME}` means when no --build-arg is given.
    const defaults = new Map(dockerfile.preamble.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]));
    for (const stage of dockerfile.stages) {
      const arg = /^\$\{?(\w+)\}?$/.exec(stage.image)?.[1];
      expect(arg, at(stage, 'FROM image (a build ARG, so image:build can pass a local base)')).toBeDefined();
      expect(defaults.get(arg!), at(stage, `FROM \${${arg}} default`)).toBe('node:24-bookworm-slim');
    }
    const runs = instructionsOf(runtime, 'RUN').map((r) => r.args).join('\n');
    expect(runs, at(runtime, 'RUN (no npm install in the runtime stage)')).not.toMatch(/npm (ci|install)/);
  });

  it('builds with npm ci (no browser download), npm run build, and keeps only production dependencies', () => {
    const build = stageNamed(distCopy?.flags.from);
    expect(build, at(runtime, 'COPY --from=<stage> …/dist (names an earlier stage)')).toBeDefined();
    const runs = instructionsOf(build!, 'RUN');
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r.args));
    expect(ci, at(build!, 'RUN npm ci')).toBeGreaterThanOrEqual(0);
    const skipInEnv = envOf({ ...build!, instructions: build!.instructions.filter((i) => i.line < runs[ci]!.line) }).PUPPETEER_SKIP_DOWNLOAD;
    const skipInline = /PUPPETEER_SKIP_DOWNLOAD=(1|true)\b/.test(runs[ci]!.args);
    expect(skipInEnv === '1' || skipInEnv === 'true' || skipInline, at(build!, 'PUPPETEER_SKIP_DOWNLOAD before npm ci')).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r.args)), at(build!, 'RUN npm run build')).toBe(true);
    const nodeModules = instructionsOf(runtime, 'COPY').find((c) => copyPaths(c).sources.some((s) => s.endsWith('/node_modules')));
    expect(nodeModules, at(runtime, 'COPY node_modules')).toBeDefined();
    const depsStage = stageNamed(nodeModules!.flags.from);
    expect(depsStage, at(runtime, `COPY node_modules --from (line ${nodeModules!.line})`)).toBeDefined();
    const pruned = instructionsOf(depsStage!, 'RUN').some((r) => /npm (prune|ci)\b.*--omit=dev/.test(r.args));
    expect(pruned, at(depsStage!, 'RUN npm prune --omit=dev (or npm ci --omit=dev) before node_modules is copied')).toBe(true);
  });

  it('copies from the build context only files that exist and that cover every compiled source', () => {
    const copied: string[] = [];
    for (const stage of dockerfile.stages) {
      for (const copy of instructionsOf(stage, 'COPY').filter((c) => !c.flags.from)) {
        for (const source of copyPaths(copy).sources) {
          expect(repoHas(source), `${FILE}: line ${copy.line} COPY source "${source}" is not in the repo`).toBe(true);
          copied.push(source.replace(/\/+$/, ''));
        }
      }
    }
    // What tsc compiles, the build script with everything it imports, and the configs and manifests.
    const needed = [...layout.sources, ...localImportClosure('scripts/build.ts'), 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
    for (const file of needed) {
      expect(copied.some((c) => file === c || file.startsWith(`${c}/`)), `${FILE}: no COPY brings "${file}" into the build stage`).toBe(true);
    }
  });

  it('copies the build output from where the build stage writes it (tsconfig.build.json outDir)', () => {
    const dist = distCopy;
    expect(dist, at(runtime, 'COPY --from=… dist')).toBeDefined();
    const build = stageNamed(dist!.flags.from!)!;
    expect(copyPaths(dist!).sources[0]!.replace(/\/+$/, ''), `${FILE}: line ${dist!.line} COPY source`).toBe(`${workdirOf(build)}/${layout.outDir}`);
    expect(workdirOf(runtime), at(runtime, 'WORKDIR (same as the build stage, so dist/ paths match)')).toBe(workdirOf(build));
  });

  it('runs the built worker entry point, which the build compiles from worker/src/main.ts', () => {
    const cmd = commandWords(lastOf(runtime, 'CMD')!);
    expect(cmd, at(runtime, 'CMD')).toEqual(['node', 'dist/worker/src/main.js']);
    expect(sourceOf(layout, cmd[1]!), `${FILE}: CMD runs ${cmd[1]}, which tsconfig.build.json does not emit`).toBe('worker/src/main.ts');
  });

  it('runs as a non-root user under tini', () => {
    const user = lastOf(runtime, 'USER')?.args;
    expect(user, at(runtime, 'USER')).toBeDefined();
    expect(user!.split(':')[0], at(runtime, 'USER (must not be root)')).not.toMatch(/^(root|0)$/);
    expect(user!.split(':')[0], at(runtime, 'USER (numeric, so runAsNonRoot can verify it)')).toMatch(/^\d+$/);
    const entrypoint = commandWords(lastOf(runtime, 'ENTRYPOINT')!);
    expect(entrypoint, at(runtime, 'ENTRYPOINT')).toEqual(['tini', '--']);
    const installs = instructionsOf(runtime, 'RUN').map((r) => r.args).join('\n');
    expect(installs, at(runtime, 'RUN apt-get install tini')).toMatch(/apt-get install[^&]*\btini\b/);
  });

  it('installs chromium-headless-shell and points Puppeteer at its real binary', () => {
    const installs = instructionsOf(runtime, 'RUN').map((r) => r.args).join('\n');
    expect(installs, at(runtime, 'RUN apt-get install')).toMatch(/apt-get install[^&]*--no-install-recommends[^&]*\bchromium-headless-shell\b/);
    expect(installs, at(runtime, 'RUN (apt lists removed)')).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    expect(envOf(runtime).PUPPETEER_EXECUTABLE_PATH, at(runtime, 'ENV PUPPETEER_EXECUTABLE_PATH')).toBe(CHROMIUM_CANDIDATES[0]);
  });

  it('sets only worker variables that the config table knows, and caps the V8 heap', () => {
    const env = envOf(runtime);
    for (const name of Object.keys(env).filter((n) => /^(QUARRY_|PUPPETEER_|REDIS)/.test(n))) {
      expect(WORKER_ENV.has(name), at(runtime, `ENV ${name} (not in worker/src/config-table.ts)`)).toBe(true);
    }
    expect(env.NODE_OPTIONS, at(runtime, 'ENV NODE_OPTIONS')).toMatch(/--max-old-space-size=\d+/);
  });

  it('exposes the health port the worker listens on', () => {
    const port = envOf(runtime).QUARRY_HEALTH_PORT ?? workerDefault('QUARRY_HEALTH_PORT');
    const exposed = instructionsOf(runtime, 'EXPOSE').flatMap((e) => e.args.split(/\s+/)).map((p) => p.replace(/\/tcp$/, ''));
    expect(exposed, at(runtime, 'EXPOSE')).toContain(port);
  });

  it('has a HEALTHCHECK that passes for a ready worker and fails for one not ready or not listening', async () => {
    const healthcheck = lastOf(runtime, 'HEALTHCHECK');
    expect(healthcheck, at(runtime, 'HEALTHCHECK')).toBeDefined();
    const command = healthcheckCommand(healthcheck!)!;
    expect(command[0], at(runtime, 'HEALTHCHECK CMD (Node, no curl in slim images)')).toBe('node');
    let ready = true;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => ready });
    // The image's node runs it; here the test's node, with the port the image would pass. Async:
    // the health server answers from this process's event loop.
    const probe = (port: number) => new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, command.slice(1), {
        env: { ...process.env, ...envOf(runtime), NODE_OPTIONS: '', QUARRY_HEALTH_PORT: String(port) }, stdio: 'ignore', timeout: 10_000,
      });
      child.on('exit', (code) => resolve(code));
    });
    try {
      expect(await probe(server.port), `${FILE}: HEALTHCHECK against a ready worker`).toBe(0);
      ready = false;
      expect(await probe(server.port), `${FILE}: HEALTHCHECK against a worker that is not ready`).toBe(1);
    } finally {
      await server.close();
    }
    expect(await probe(server.port), `${FILE}: HEALTHCHECK with nothing listening`).toBe(1);
  });
});
