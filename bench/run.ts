/**
 * @module bench/run
 * `npm run bench`: prepares everything itself (system packages, test site, Redis, REST
 * servers, edge, workers, peers), runs the suites, prints one comparison table per suite and
 * writes bench/results/<timestamp>.json, latest.json and latest.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { createCleanup } from './core/cleanup.ts';
import { machineInfo, writeResults, type BenchRun } from './core/results-writer.ts';
import { finishSuite } from './core/summary.ts';
import type { SuiteContext, SuiteResult } from './core/suite.ts';
import { renderText } from './core/table.ts';
import { SUITES } from './suites/index.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

const suiteIds = SUITES.map((suite) => suite.id);
const program = new Command('npm run bench --')
  .description('Quarry side by side with its peers: one command, one run, ratios to a baseline measured in the same run.')
  .option('--quick', 'smaller workloads and 2 repeats (for development)', false)
  .option('--only <suites>', `comma-separated subset of: ${suiteIds.join(', ')}`, (value) => value.split(',').map((id) => id.trim()).filter(Boolean))
  .option('--rows <ids>', 'measure only these row ids, comma-separated (for development; keep the baseline row for ratios)', (value) => value.split(',').map((id) => id.trim()).filter(Boolean))
  .option('--repeats <n>', 'repeats per row (default 3; 2 with --quick)', positiveInt)
  .option('--verbose', "forward the systems' own output to stderr", false)
  .option('--results-dir <dir>', 'where the JSON and Markdown go', fileURLToPath(new URL('./results', import.meta.url)))
  .parse();

const opts = program.opts<{ quick: boolean; only?: string[]; rows?: string[]; repeats?: number; verbose: boolean; resultsDir: string }>();
const unknown = (opts.only ?? []).filter((id) => !suiteIds.includes(id));
if (unknown.length > 0) program.error(`error: unknown suite(s) ${unknown.join(', ')}; known: ${suiteIds.join(', ')}`);
const selected = SUITES.filter((suite) => !opts.only || opts.only.includes(suite.id));
const repeats = opts.repeats ?? (opts.quick ? 2 : 3);

const log = (line: string) => process.stderr.write(`${line}\n`);
const cleanup = createCleanup(log);
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping everything the bench started…`);
    void cleanup.runAll().finally(() => process.exit(130));
  });
}

const ctx: SuiteContext = {
  quick: opts.quick, repeats, root: fileURLToPath(new URL('..', import.meta.url)), log, cleanup, verbose: opts.verbose,
  rows: opts.rows ?? null,
};
const startedAt = new Date();
const results: SuiteResult[] = [];
let failed = false;
try {
  for (const suite of selected) {
    log(`\n▶ ${suite.id}: ${suite.title} (${repeats} repeat${repeats === 1 ? '' : 's'}${opts.quick ? ', quick' : ''})`);
    const suiteStart = new Date();
    try {
      const result = finishSuite(suite.id, suite.title, await suite.run(ctx), suiteStart);
      results.push(result);
      process.stdout.write(renderText(result));
    } catch (error) {
      failed = true;
      log(`✖ suite ${suite.id} failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      await cleanup.runAll(); // a suite must leave nothing behind, even when it failed
    }
  }
} finally {
  await cleanup.runAll();
}

if (results.length > 0) {
  const run: BenchRun = {
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    options: { quick: opts.quick, only: opts.only ?? null, rows: opts.rows ?? null, repeats }, machine: machineInfo(), suites: results,
  };
  const paths = writeResults(opts.resultsDir, run);
  log(`\nResults: ${paths.json}\n         ${paths.latestJson}\n         ${paths.latestMarkdown}`);
}
process.exit(failed ? 1 : 0);
