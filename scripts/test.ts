/**
 * @module scripts/test
 * `npm test`: installs missing system packages (redis-server, Chromium), then runs every
 * vitest project (Node suites and the workerd edge suite) and prints a one-line summary.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemDeps } from '../dev/local/system-deps.ts';
import { offlineWranglerEnv } from '../dev/local/wrangler-dev.ts';

const root = process.cwd();
try {
  ensureSystemDeps({ chromium: true });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const resultsFile = join(root, '.quarry', 'test-results.json');
mkdirSync(join(root, '.quarry'), { recursive: true });
const run = spawnSync(process.execPath, [
  join(root, 'node_modules/vitest/vitest.mjs'), 'run',
  '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
], { stdio: 'inherit', env: { ...offlineWranglerEnv(root), PUPPETEER_SKIP_DOWNLOAD: '1' } });

try {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
} catch {
  // No report: vitest failed before running; its own output says why.
}
process.exit(run.status ?? 1);
