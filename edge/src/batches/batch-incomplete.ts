/**
 * @module edge/batches/batch-incomplete
 * The broker failed part-way through a batch: the answer says exactly which items are enqueued,
 * which may be, which were never sent, and how to finish the batch without duplicates.
 */
import type { ItemRange } from '../jobs/enqueue/enqueue-batch.ts';
import { HttpProblem } from '../problems/http-problem.ts';

export interface BatchIncompleteInit {
  batchId: string;
  /** The key to send as `Idempotency-Key` when retrying (the client's, or one the edge made up). */
  idempotencyKey: string;
  statusUrl: string;
  items: number;
  /** Items of the chunks that answered: each has its job (new or matched). */
  enqueued: ItemRange;
  /** The chunk that failed: all of it or none of it is enqueued (a chunk is one transaction). */
  uncertain: ItemRange;
  /** Items after the failed chunk: never sent. */
  notSent: ItemRange;
  retryAfterSeconds?: number;
}

const range = (r: ItemRange) => (r.count === 0 ? 'none' : r.first === r.last ? `item ${r.first}` : `items ${r.first}–${r.last}`);

export class BatchIncompleteProblem extends HttpProblem {
  constructor(init: BatchIncompleteInit) {
    const { retryAfterSeconds = 5 } = init;
    const detail = `The job queue failed part-way through the batch: ${range(init.enqueued)} enqueued; `
      + `${range(init.uncertain)} either all enqueued or none (the broker did not answer for them); ${range(init.notSent)} not sent. `
      + `Send the same request again with the header "Idempotency-Key: ${init.idempotencyKey}" after ${retryAfterSeconds} seconds: `
      + 'it enqueues only what is missing and answers for the whole batch.';
    super({
      status: 503, slug: 'batch-incomplete', title: 'Batch partly enqueued', detail,
      headers: { 'retry-after': String(retryAfterSeconds) },
      extensions: {
        batchId: init.batchId, idempotencyKey: init.idempotencyKey, statusUrl: init.statusUrl, items: init.items,
        enqueued: init.enqueued, uncertain: init.uncertain, notSent: init.notSent,
      },
    });
  }
}
