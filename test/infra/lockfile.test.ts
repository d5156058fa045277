/**
 * @module test/infra/lockfile
 * The images build with `npm ci`, which refuses a package-lock.json that lacks any platform's
 * optional packages (workerd-darwin-64, msgpackr-extract-win32-x64, …), as an `npm install` on
 * this machine kind once wrote it. Checked with npm itself, offline-fast (`--dry-run`), on a copy.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('package-lock.json', () => {
  it('is accepted by npm ci, as the image builds run it', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-lock-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, join(dir, file));
      const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
      const missing = (run.stderr.match(/Missing: \S+/g) ?? []).slice(0, 5);
      expect({ status: run.status, missing }, 'run `npm install --package-lock-only` to add the missing entries').toEqual({ status: 0, missing: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
