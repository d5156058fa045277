/**
 * @module cli/commands/enqueue
 * `quarry enqueue <file|->`: submits a file of URLs (or JSON job requests) as batches of
 * ≤ 10,000 and, with --wait, follows them to the end.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import type { BatchAccepted, QuarryClient } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { ApiProblemError, CliError, EXIT, UsageError } from '../errors.ts';
import { collectExtract, parseMode, type Mode } from '../flags.ts';
import { formatDuration } from '../format.ts';
import { describeChunkError, planBatches, type BatchChunk } from '../plan-batches.ts';
import { withProgress } from '../progress.ts';
import { parseInput } from '../url-file.ts';
import { sumBatches, waitForBatches, type BatchTotals } from '../wait-batches.ts';

export interface EnqueueOptions {
  /** Each line is a JSON job request instead of a URL. */
  jsonl?: boolean;
  /** Fetch mode for every job. */
  mode?: Mode;
  /** `name → selector` rules for every job. */
  extract?: Record<string, string>;
  /** Follow the batches until every job has finished. */
  wait?: boolean;
  /** Makes a rerun name the same jobs; later chunks use `<key>-1`, `<key>-2`, … */
  idempotencyKey?: string;
  /** Print one JSON document (the accepted batches with their job ids, and totals with --wait). */
  json?: boolean;
}

/** The `--json` output. */
export interface EnqueueReport {
  batches: BatchAccepted[];
  /** With --wait: the final counts over all batches. */
  finished?: BatchTotals & { elapsedMs: number };
}

export function registerEnqueue(program: Command, ctx: CommandContext): void {
  program
    .command('enqueue')
    .description('enqueue the URLs of a file (one per line, # comments allowed) as batches')
    .argument('<file>', 'file of URLs, or - to read standard input')
    .option('--jsonl', 'each line is a full job request as JSON ({"url": …, "extract": …}); flags act as defaults')
    .option('--mode <mode>', 'http (plain fetch) or browser (headless Chromium)', parseMode)
    .option('--extract <name=selector>', 'extract the first match of a CSS selector; repeatable; name[] takes all matches', collectExtract)
    .option('--wait', 'wait until every job has finished, showing progress on stderr')
    .option('--idempotency-key <key>', 'rerunning with the same key enqueues nothing new')
    .option('--json', 'print the accepted batches (with job ids) and final counts as one JSON document')
    .action(async (file: string, options: EnqueueOptions, command: Command) => {
      ctx.setExitCode(await enqueue(ctx, ctx.client(command), file, options));
    });
}

const jobs = (n: number) => `${n} job${n === 1 ? '' : 's'}`;

async function enqueue(ctx: CommandContext, client: QuarryClient, file: string, options: EnqueueOptions): Promise<number> {
  const { io } = ctx;
  const started = Date.now();
  const source = file === '-' ? 'stdin' : file;
  const chunks = planBatches(parseInput(await readSource(ctx, file), { jsonl: options.jsonl ?? false, source }), options);

  const report: EnqueueReport = { batches: [] };
  for (const chunk of chunks) {
    const accepted = await submitChunk(client, chunk, report.batches.map((batch) => batch.batchId), options.idempotencyKey);
    report.batches.push(accepted);
    if (!options.json) io.stdout.write(`batch ${accepted.batchId}: ${jobs(accepted.count)} enqueued${accepted.deduplicated ? `, ${accepted.deduplicated} deduplicated` : ''}\n`);
  }
  if (chunks.length > 1 && !options.json) {
    const sum = (key: 'count' | 'deduplicated') => report.batches.reduce((total, batch) => total + batch[key], 0);
    io.stdout.write(`total: ${chunks.length} batches, ${jobs(sum('count'))} enqueued, ${sum('deduplicated')} deduplicated\n`);
  }

  if (options.wait) {
    const intervalMs = io.pollIntervalMs ?? 1000;
    const batchIds = report.batches.map((batch) => batch.batchId);
    const totals = sumBatches(await withProgress(io, (onProgress) => waitForBatches(client, batchIds, { intervalMs, onProgress })));
    report.finished = { ...totals, elapsedMs: Date.now() - started };
    if (!options.json) io.stdout.write(`finished in ${formatDuration(report.finished.elapsedMs)}: ${totals.completed} completed, ${totals.failed} failed\n`);
  }
  if (options.json) writeJson(io, report);
  return (report.finished?.failed ?? 0) > 0 ? EXIT.jobsFailed : EXIT.ok;
}

/** `earlier` are the batches already accepted: a failure here leaves them enqueued, so the error names them. */
async function submitChunk(client: QuarryClient, chunk: BatchChunk, earlier: string[], key: string | undefined): Promise<BatchAccepted> {
  const index = earlier.length;
  try {
    return await client.createBatch(chunk.body, key === undefined || index === 0 ? key : `${key}-${index}`);
  } catch (error) {
    const reported = error instanceof ApiProblemError ? error.describedBy(describeChunkError(chunk)) : error;
    if (index > 0 && reported instanceof CliError) {
      const rerun = key === undefined ? 'a plain rerun would enqueue them again' : 'rerun with the same --idempotency-key to resubmit without duplicates';
      reported.details.push(`note: chunk ${index + 1} of the input failed, but ${earlier.join(', ')} ${index === 1 ? 'was' : 'were'} already enqueued; ${rerun}`);
    }
    throw reported;
  }
}

async function readSource(ctx: CommandContext, file: string): Promise<string> {
  if (file === '-') return text(ctx.io.stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
