/**
 * @module edge/batches/batch-items
 * Validates every item of a batch and reports each bad one by index. Batches are
 * all-or-nothing: one invalid item rejects the batch and nothing is enqueued, so a caller
 * never has to work out which half of a batch made it in.
 */
import { batchBodyFormSchema } from '../../../shared/batch-schema.ts';
import type { ExportOption } from '../../../shared/exports/export-target.ts';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { isTaskRequestBody } from '../../../shared/tasks/task-request.ts';
import type { EnqueueInput } from '../jobs/enqueue/enqueue-plan.ts';
import { parseTaskRequest } from '../tasks/task-input.ts';
import type { ProblemFieldError } from '../problems/http-problem.ts';
import { ValidationProblem } from '../problems/problems.ts';
import { issuesToFieldErrors } from '../middleware/read-json-body.ts';

/** Enough to fix a systematic mistake without a megabyte of errors. */
const MAX_REPORTED_ERRORS = 100;

export class InvalidBatchItemsProblem extends ValidationProblem {
  constructor(errors: ProblemFieldError[], invalidCount: number, total: number) {
    super(errors.slice(0, MAX_REPORTED_ERRORS));
    this.extensions.invalidItems = invalidCount;
    this.extensions.totalItems = total;
    this.extensions.accepted = 0;
  }
}

export interface ValidatedBatch {
  /** Scrape requests or task requests (`{"task", "input"}`, checked against the tasks manifest). */
  requests: EnqueueInput['request'][];
  /** The batch's `export`, as sent (defaults applied); the route checks its bucket. */
  export: ExportOption | undefined;
}

export function validateBatchItems(body: unknown): ValidatedBatch {
  const outer = batchBodyFormSchema(body).safeParse(body);
  if (!outer.success) throw new ValidationProblem(issuesToFieldErrors(outer.error.issues));
  const { data } = outer;
  let items: { path: string; value: unknown }[];
  if ('jobs' in data) {
    items = data.jobs.map((value, i) => ({ path: `jobs.${i}`, value }));
  } else {
    const defaults = data.defaults ?? {};
    for (const forbidden of ['url', 'idempotencyKey']) {
      if (forbidden in defaults) throw new ValidationProblem([{ path: `defaults.${forbidden}`, message: `cannot be a default: give it per item in "jobs" instead` }]);
    }
    items = data.urls.map((url, i) => ({ path: `urls.${i}`, value: { ...defaults, url } }));
  }
  const errors: ProblemFieldError[] = [];
  const requests: EnqueueInput['request'][] = [];
  let invalid = 0;
  for (const item of items) {
    if (isTaskRequestBody(item.value)) {
      try {
        requests.push(parseTaskRequest(item.value, undefined, item.path));
      } catch (error) {
        if (!(error instanceof ValidationProblem)) throw error;
        invalid++;
        errors.push(...((error.extensions.errors as ProblemFieldError[] | undefined) ?? []));
      }
      continue;
    }
    const parsed = jobRequestSchema.safeParse(item.value);
    if (parsed.success) {
      requests.push(parsed.data);
      continue;
    }
    invalid++;
    for (const error of issuesToFieldErrors(parsed.error.issues)) {
      errors.push({ path: error.path ? `${item.path}.${error.path}` : item.path, message: error.message });
    }
  }
  if (invalid > 0) throw new InvalidBatchItemsProblem(errors, invalid, items.length);
  return { requests, export: data.export };
}
