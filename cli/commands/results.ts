/**
 * @module cli/commands/results
 * `quarry results <batchId> [--format jsonl|csv] [--cursor n]`: downloads every stored result of
 * a batch to stdout (GET /v1/batches/:id/results) with a progress bar on stderr. Only whole rows
 * are written; when the download breaks it resumes after the last whole row (up to --retries
 * times), so `> out.csv` ends up complete without duplicates.
 */
import { once } from 'node:events';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import type { QuarryClient } from '../client.ts';
import type { CommandContext } from '../context.ts';
import { CliError, EXIT, UsageError } from '../errors.ts';
import { rowSplitter } from '../export-rows.ts';
import type { CliIo } from '../io.ts';

export interface ResultsOptions {
  format?: 'jsonl' | 'csv';
  cursor?: number;
  retries?: number;
}

/** No byte for this long: the download is treated as broken and resumed. */
const IDLE_TIMEOUT_MS = 60_000;

function parseFormat(value: string): 'jsonl' | 'csv' {
  if (value === 'jsonl' || value === 'ndjson') return 'jsonl';
  if (value === 'csv') return 'csv';
  throw new UsageError(`--format must be "jsonl" or "csv" (got "${value}")`);
}

function parseCount(flag: string) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${flag} takes a whole number ≥ 0 (got "${value}")`);
    return Number(value);
  };
}

/** Rows received out of the rows expected: a bar on a terminal, a line per 10 % otherwise. */
function rowProgress(io: CliIo, total: number) {
  if (io.stderr.isTTY) {
    const bar = new SingleBar({ stream: io.stderr, format: '{bar} {percentage}% | {value}/{total} rows | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic);
    bar.start(Math.max(total, 1), 0);
    return { update: (rows: number) => bar.update(rows, { total: Math.max(total, rows) }), stop: () => bar.stop() };
  }
  let shown = -1;
  return {
    update(rows: number) {
      const tenth = total > 0 ? Math.floor((rows / total) * 10) : 0;
      if (tenth > shown) {
        shown = tenth;
        io.stderr.write(`progress: ${rows}/${total} rows\n`);
      }
    },
    stop: () => undefined,
  };
}

async function write(io: CliIo, text: string): Promise<void> {
  if (text && !io.stdout.write(text)) await once(io.stdout, 'drain');
}

/** One download from `cursor`; resolves true when the export ended, false when it broke part-way. */
async function downloadOnce(client: QuarryClient, io: CliIo, batchId: string, format: 'jsonl' | 'csv', cursor: number, splitter: ReturnType<typeof rowSplitter>, onRows: (count: number) => void): Promise<boolean> {
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(new Error('no data for 60 s')), IDLE_TIMEOUT_MS);
  };
  arm();
  try {
    const response = await client.openResults(batchId, format, cursor, controller.signal);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      arm();
      const { rows, count } = splitter.push(part.value);
      await write(io, rows);
      onRows(count);
    }
    return !splitter.pending;
  } catch (error) {
    // A refused request (404, 401) is final; a broken stream is resumed by the caller.
    if (error instanceof CliError && error.exitCode === EXIT.rejected) throw error;
    return false;
  } finally {
    clearTimeout(idle);
  }
}

export function registerResults(program: Command, ctx: CommandContext): void {
  program
    .command('results')
    .description("download every stored result of a batch to stdout, as JSON Lines or CSV (progress on stderr)")
    .argument('<batchId>', 'batch id, as printed by enqueue')
    .option('--format <format>', 'jsonl (default) or csv', parseFormat)
    .option('--cursor <index>', 'start at this item index (resume a download: last index + 1)', parseCount('--cursor'))
    .option('--retries <n>', 'times a broken download is resumed (default 5)', parseCount('--retries'))
    .action(async (batchId: string, options: ResultsOptions, command: Command) => {
      const client = ctx.client(command);
      const format = options.format ?? 'jsonl';
      const batch = await client.getBatch(batchId);
      const progress = rowProgress(ctx.io, batch.completed + batch.deduplicated);
      let received = 0;
      let cursor = options.cursor ?? 0;
      let retries = options.retries ?? 5;
      let headerWritten = false;
      try {
        for (;;) {
          // The server sends the CSV header from cursor 0 only; an earlier try may have written it.
          const splitter = rowSplitter(format, { header: cursor > 0 ? 'none' : headerWritten ? 'drop' : 'write' });
          const done = await downloadOnce(client, ctx.io, batchId, format, cursor, splitter, (count) => progress.update((received += count)));
          headerWritten ||= format === 'csv' && cursor === 0 && (received > 0 || splitter.headerSeen);
          if (done) break;
          if (splitter.lastIndex !== undefined) cursor = splitter.lastIndex + 1;
          if (retries-- <= 0) throw new CliError(`the download broke and was resumed too often; run again with --cursor ${cursor} and append (>>)`, EXIT.unreachable);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        progress.stop();
      }
      ctx.io.stderr.write(`${received} rows\n`);
    });
}
