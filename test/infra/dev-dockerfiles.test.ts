/**
 * @module test/infra/dev-dockerfiles
 * The dev-only images compose uses: the REST server (from the build output) and the edge under
 * `wrangler dev`. Labelled dev-only, non-root, with inputs that exist and entry points that run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { offlineWranglerEnv } from '../../dev/local/wrangler-dev.ts';
import { HEALTH_PATH } from '../../dev/rest-server/server.ts';
import { loadBuildLayout, localImportClosure, sourceOf } from './build-layout.ts';
import { commandWords, copyPaths, envOf, healthcheckCommand, instructionsOf, lastOf, parseDockerfile } from './dockerfile.ts';
import { readRepoFile, repoHas } from './repo.ts';

const REST = 'infra/docker/rest-server.Dockerfile';
const EDGE = 'infra/docker/edge-dev.Dockerfile';
const WORKER = 'infra/docker/worker.Dockerfile';
const layout = loadBuildLayout();

/** Checks every build-context COPY source exists; returns them. */
function contextCopiesExist(file: string): string[] {
  const copied: string[] = [];
  for (const stage of parseDockerfile(readRepoFile(file)).stages) {
    for (const copy of instructionsOf(stage, 'COPY').filter((c) => !c.flags.from)) {
      for (const source of copyPaths(copy).sources) {
        expect(repoHas(source), `${file}: line ${copy.line} COPY source "${source}" is not in the repo`).toBe(true);
        copied.push(source.replace(/\/+$/, ''));
      }
    }
  }
  return copied;
}

describe(REST, () => {
  const file = parseDockerfile(readRepoFile(REST));
  const runtime = file.stages.at(-1)!;

  it('says it is dev-only', () => {
    expect(readRepoFile(REST).split('\n').slice(0, 5).join('\n'), `${REST}: header comment`).toMatch(/DEV ONLY/);
  });

  it('shares the worker image build stage instruction for instruction (one cached build for both)', () => {
    const strip = (f: ReturnType<typeof parseDockerfile>) =>
      f.stages[0]!.instructions.map(({ keyword, flags, args }) => ({ keyword, flags, args }));
    expect(strip(file), `${REST}: build stage differs from ${WORKER}'s`).toEqual(strip(parseDockerfile(readRepoFile(WORKER))));
  });

  it('copies only existing files and runs the compiled REST server CLI, non-root, under tini', () => {
    contextCopiesExist(REST);
    const cmd = commandWords(lastOf(runtime, 'CMD')!);
    expect(cmd[0], `${REST}: CMD`).toBe('node');
    expect(sourceOf(layout, cmd[1]!), `${REST}: CMD runs ${cmd[1]}, which the build does not emit`).toBe('dev/rest-server/main.ts');
    expect(commandWords(lastOf(runtime, 'ENTRYPOINT')!), `${REST}: ENTRYPOINT`).toEqual(['tini', '--']);
    expect(lastOf(runtime, 'USER')?.args.split(':')[0], `${REST}: USER`).toMatch(/^[1-9]\d*$/);
  });

  it('listens on every interface and health-checks the unauthenticated health route on that port', () => {
    const env = envOf(runtime);
    expect(env.HOST, `${REST}: ENV HOST`).toBe('0.0.0.0');
    expect(instructionsOf(runtime, 'EXPOSE').map((e) => e.args), `${REST}: EXPOSE`).toContain(env.PORT);
    const healthcheck = healthcheckCommand(lastOf(runtime, 'HEALTHCHECK')!)!.join(' ');
    expect(healthcheck, `${REST}: HEALTHCHECK path`).toContain(HEALTH_PATH);
    expect(healthcheck, `${REST}: HEALTHCHECK port`).toMatch(/process\.env\.PORT/);
  });
});

describe(EDGE, () => {
  const file = parseDockerfile(readRepoFile(EDGE));
  const stage = file.stages.at(-1)!;

  it('says it is dev-only, copies only existing files and runs as non-root', () => {
    expect(readRepoFile(EDGE).split('\n').slice(0, 5).join('\n'), `${EDGE}: header comment`).toMatch(/DEV ONLY/);
    contextCopiesExist(EDGE);
    expect(lastOf(stage, 'USER')?.args.split(':')[0], `${EDGE}: USER`).toMatch(/^[1-9]\d*$/);
  });

  it('copies every file the edge entry point (wrangler.jsonc main) imports', () => {
    const copied = contextCopiesExist(EDGE);
    const wrangler = ts.parseConfigFileTextToJson('wrangler.jsonc', readRepoFile('infra/wrangler.jsonc')).config as { main: string };
    const entry = join('infra', wrangler.main);
    for (const file of [...localImportClosure(entry), 'infra/wrangler.jsonc', 'package.json', 'package-lock.json']) {
      expect(copied.some((c) => file === c || file.startsWith(`${c}/`)), `${EDGE}: no COPY brings "${file}" (imported by ${entry})`).toBe(true);
    }
  });

  it('runs wrangler dev on infra/wrangler.jsonc on 0.0.0.0:8787, the port it exposes', () => {
    const cmd = commandWords(lastOf(stage, 'CMD')!);
    expect(cmd.slice(0, 3), `${EDGE}: CMD`).toEqual(['node', 'node_modules/wrangler/bin/wrangler.js', 'dev']);
    expect(cmd, `${EDGE}: CMD config`).toEqual(expect.arrayContaining(['-c', 'infra/wrangler.jsonc']));
    expect(cmd, `${EDGE}: CMD address`).toEqual(expect.arrayContaining(['--ip=0.0.0.0', '--port=8787']));
    expect(instructionsOf(stage, 'EXPOSE').map((e) => e.args), `${EDGE}: EXPOSE`).toContain('8787');
  });

  it('keeps wrangler offline exactly as dev/local/wrangler-dev.ts does', () => {
    const expected = offlineWranglerEnv(mkdtempSync(join(tmpdir(), 'quarry-infra-')));
    const env = envOf(stage);
    for (const name of ['WRANGLER_SEND_METRICS', 'WRANGLER_SEND_ERROR_REPORTS', 'CLOUDFLARE_CF_FETCH_ENABLED', 'WRANGLER_HIDE_BANNER']) {
      expect(env[name], `${EDGE}: ENV ${name}`).toBe(expected[name]);
    }
  });
});
