/**
 * @module test/shared/edge-imports
 * The edge runs in workerd and must import only shared/ (and packages): a static check of every
 * import in edge/src and, since the edge imports shared/, of shared/ too (shared imports only
 * shared). Specifiers come from TypeScript's own pre-processor (static and dynamic imports,
 * `export … from`, `import type`), not from a regular expression.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every relative import of `files` that resolves outside the `allowed` top-level folders. */
function importsOutside(files: string[], allowed: string[]): string[] {
  const offending: string[] = [];
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue; // a package
      const target = relative(ROOT, resolve(dirname(file), specifier));
      const top = target.split(sep)[0]!;
      if (!allowed.includes(top)) offending.push(`${relative(ROOT, file)} imports ${specifier}`);
    }
  }
  return offending;
}

describe('edge imports only shared/', () => {
  it('no file under edge/src imports from worker/ (or anything but edge/ and shared/)', () => {
    const files = sourceFiles(join(ROOT, 'edge/src'));
    expect(files.length).toBeGreaterThan(10);
    expect(importsOutside(files, ['edge', 'shared'])).toEqual([]);
  });

  it('shared/ imports only shared/ (the edge bundles it)', () => {
    expect(importsOutside(sourceFiles(join(ROOT, 'shared')), ['shared'])).toEqual([]);
  });

  it('catches a worker import (the check itself works)', () => {
    const probe = join(ROOT, 'edge/src/domains/domain-state.ts');
    const { importedFiles } = ts.preProcessFile("import { x } from '../../../worker/src/politeness/limiter-replies.ts';\nconst y = await import('../../../worker/src/a.ts');", true, true);
    const targets = importedFiles.map(({ fileName }) => relative(ROOT, resolve(dirname(probe), fileName)).split(sep)[0]);
    expect(targets).toEqual(['worker', 'worker']);
  });
});
