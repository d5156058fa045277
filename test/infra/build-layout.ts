/**
 * @module test/infra/build-layout
 * What `npm run build` emits, read from tsconfig.build.json with TypeScript's own config parser:
 * which sources are compiled and where each lands (outDir + path relative to rootDir, .ts → .js).
 */
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './repo.ts';

export interface BuildLayout {
  /** Repo-relative output folder, e.g. `dist`. */
  outDir: string;
  /** Repo-relative root of the mirrored tree, `''` for the repo root. */
  rootDir: string;
  /** Repo-relative sources the build compiles. */
  sources: string[];
  options: ts.CompilerOptions;
}

export function loadBuildLayout(configFile = 'tsconfig.build.json'): BuildLayout {
  const path = resolve(ROOT, configFile);
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error) throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, path);
  if (parsed.errors.length > 0) {
    throw new Error(`${configFile}: ${parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
  }
  const { outDir, rootDir } = parsed.options;
  if (!outDir || !rootDir) throw new Error(`${configFile}: outDir and rootDir must both be set`);
  return {
    outDir: relative(ROOT, outDir),
    rootDir: relative(ROOT, rootDir),
    sources: parsed.fileNames.map((file) => relative(ROOT, file)),
    options: parsed.options,
  };
}

/** Where a repo-relative source lands: `worker/src/main.ts` → `dist/worker/src/main.js`. */
export function emittedPath(layout: BuildLayout, source: string): string {
  const inRoot = relative(resolve(ROOT, layout.rootDir), resolve(ROOT, source));
  return relative(ROOT, resolve(ROOT, layout.outDir, inRoot)).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs');
}

/** The compiled source an emitted path comes from, if the build compiles one. */
export function sourceOf(layout: BuildLayout, emitted: string): string | undefined {
  return layout.sources.find((source) => emittedPath(layout, source) === emitted.replace(/^\.\//, ''));
}

const RELATIVE_IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** A script and every repo file it imports through relative paths, transitively (repo-relative). */
export function localImportClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of ts.sys.readFile(resolve(ROOT, file))!.matchAll(RELATIVE_IMPORT)) {
      visit(relative(ROOT, resolve(ROOT, file, '..', (match[1] ?? match[2])!)));
    }
  };
  visit(entry);
  return [...seen];
}
