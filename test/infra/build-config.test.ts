/**
 * @module test/infra/build-config
 * tsconfig.build.json, the compile half of `npm run build`: emits runnable JavaScript for the
 * worker, shared code and the REST server into dist/ mirroring the source tree, and nothing else.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emittedPath, loadBuildLayout, sourceOf } from './build-layout.ts';
import { repoPath } from './repo.ts';

const FILE = 'tsconfig.build.json';
const layout = loadBuildLayout(FILE);

describe(FILE, () => {
  it('emits into dist/ with the repo root as rootDir, rewriting .ts imports to .js', () => {
    expect(layout.outDir, `${FILE}: compilerOptions.outDir`).toBe('dist');
    expect(layout.rootDir, `${FILE}: compilerOptions.rootDir`).toBe('');
    expect(layout.options.noEmit ?? false, `${FILE}: compilerOptions.noEmit`).toBe(false);
    expect(layout.options.rewriteRelativeImportExtensions, `${FILE}: compilerOptions.rewriteRelativeImportExtensions`).toBe(true);
    expect(layout.options.noEmitOnError, `${FILE}: compilerOptions.noEmitOnError`).toBe(true);
  });

  it.each([
    ['worker/src/main.ts', 'dist/worker/src/main.js'],
    ['dev/rest-server/main.ts', 'dist/dev/rest-server/main.js'],
    ['shared/scripts/load-scripts.ts', 'dist/shared/scripts/load-scripts.js'],
  ])('compiles %s to %s', (source, emitted) => {
    expect(layout.sources, `${FILE}: include/exclude drop ${source}`).toContain(source);
    expect(emittedPath(layout, source)).toBe(emitted);
    expect(sourceOf(layout, emitted)).toBe(source);
  });

  it('compiles every worker source and no tests, benchmarks or dev tools', () => {
    const workerSources = (readdirSync(repoPath('worker/src'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts')).map((f) => `worker/src/${f}`);
    for (const source of workerSources) expect(layout.sources, `${FILE}: does not compile ${source}`).toContain(source);
    for (const source of layout.sources) {
      expect(source, `${FILE}: compiles ${source}`).not.toMatch(/^(test|bench|scripts|edge|dev\/local)\/|\.test\.ts$|^dev\/rest-server\/bench\.ts$/);
    }
  });
});
