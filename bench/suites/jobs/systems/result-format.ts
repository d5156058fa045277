/**
 * @module bench/suites/jobs/systems/result-format
 * How results are keyed and shaped in the result store: Quarry's own format (shared/job-result.ts,
 * `<prefix>:result:<id>`), which the Node peers write too, and Celery's `celery-task-meta-<id>`.
 */
import type { ScrapedFields } from '../../../workload/verify.ts';

/** Queue and result prefix of every BullMQ-based system in the bench. */
export const BENCH_PREFIX = '{bench}';

/** Quarry's JobResult and the Node peers' results: `{title, extract: {…}}` at the top. */
export function readQuarryFields(raw: string): ScrapedFields {
  const value = JSON.parse(raw) as { title?: string | null; extract?: Record<string, unknown> };
  return { title: value.title ?? null, extract: value.extract ?? {} };
}

/** Celery's result backend: `{"status": "SUCCESS", "result": {title, extract}, …}`. */
export function readCeleryFields(raw: string): ScrapedFields {
  const value = JSON.parse(raw) as { status?: string; result?: { title?: string | null; extract?: Record<string, unknown> } };
  return { title: value.result?.title ?? null, extract: value.result?.extract ?? {} };
}
