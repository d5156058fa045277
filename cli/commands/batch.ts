/**
 * @module cli/commands/batch
 * `quarry batch <batchId> [--wait] [--json]`: a batch's counts, optionally after it finishes.
 */
import type { Command } from 'commander';
import type { BatchView, QuarryClient } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT } from '../errors.ts';
import { formatBatch } from '../format.ts';
import { useColor } from '../io.ts';
import { withProgress } from '../progress.ts';
import { waitForBatches } from '../wait-batches.ts';

export interface BatchOptions {
  /** Poll (with a progress bar on stderr) until every job of the batch has finished. */
  wait?: boolean;
  /** Print the API's BatchView as JSON. */
  json?: boolean;
}

export function registerBatch(program: Command, ctx: CommandContext): void {
  program
    .command('batch')
    .description("print a batch's progress (exit code 1 when any of its jobs failed)")
    .argument('<batchId>', 'batch id, as printed by enqueue')
    .option('--wait', 'wait until every job has finished, showing progress on stderr')
    .option('--json', 'print the raw BatchView JSON')
    .action(async (batchId: string, options: BatchOptions, command: Command) => {
      const client = ctx.client(command);
      const view = options.wait ? await waitForBatch(ctx, client, batchId) : await client.getBatch(batchId);
      if (options.json) writeJson(ctx.io, view);
      else ctx.io.stdout.write(formatBatch(view, useColor(ctx.io)));
      ctx.setExitCode(view.failed > 0 ? EXIT.jobsFailed : EXIT.ok);
    });
}

async function waitForBatch(ctx: CommandContext, client: QuarryClient, batchId: string): Promise<BatchView> {
  const intervalMs = ctx.io.pollIntervalMs ?? 1000;
  const [view] = await withProgress(ctx.io, (onProgress) => waitForBatches(client, [batchId], { intervalMs, onProgress }));
  return view!;
}
