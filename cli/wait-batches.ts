/**
 * @module cli/wait-batches
 * Polls one or more batches until every one has finished, reporting summed counts on the way.
 */
import type { BatchView, QuarryClient } from './client.ts';

/** Counts summed over the batches of one run. */
export interface BatchTotals {
  total: number;
  completed: number;
  failed: number;
  pending: number;
}

export interface WaitBatchesOptions {
  /** Pause between polls, in milliseconds. */
  intervalMs: number;
  /** Called after every poll (drives the progress bar). */
  onProgress?: (totals: BatchTotals) => void;
}

export function sumBatches(views: BatchView[]): BatchTotals {
  const totals: BatchTotals = { total: 0, completed: 0, failed: 0, pending: 0 };
  for (const view of views) {
    totals.total += view.total;
    totals.completed += view.completed;
    totals.failed += view.failed;
    totals.pending += view.pending;
  }
  return totals;
}

/** Resolves with the final views; there is no deadline, as a caller who passes --wait asked to wait. */
export async function waitForBatches(client: QuarryClient, batchIds: string[], options: WaitBatchesOptions): Promise<BatchView[]> {
  for (;;) {
    const views = await Promise.all(batchIds.map((id) => client.getBatch(id)));
    options.onProgress?.(sumBatches(views));
    if (views.every((view) => view.state === 'finished')) return views;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
