/**
 * @module worker/exports/export-queue
 * The exports queue: one job per finished batch (or crawl) that asked for an `export`, id
 * `export-<kind>-<id>`, so however many workers see the batch finish, BullMQ holds one job.
 * The job opens its subject (export-subject.ts: batches here; crawls register their own kind),
 * streams its rows through the encoder (shared/exports/) into the destination
 * (export-writer.ts), and records the outcome in the subject's record. It is retried with
 * exponential backoff (QUARRY_EXPORT_ATTEMPTS); a subject already written is not written again.
 *
 * Becoming due happens in the batch scripts (shared/batch-keys.ts), which put the batch in a
 * due set: the worker that counted the last outcome enqueues the job at once, and every worker
 * sweeps the due set (QUARRY_EXPORT_SWEEP_INTERVAL_MS) for exports nobody enqueued (a batch
 * finished by a cancellation at the edge or by the failed-job sweeper, a worker killed in
 * between). Cost: one ZRANGEBYSCORE per sweep per worker.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EXPORT_QUEUE_NAME, exportDueKey, exportText, type ExportJobData } from '../../../shared/exports/index.ts';
import { NonRetryableError, retryDecision } from '../errors/retry-policy.ts';
import type { ExportSubjectSource } from './export-subject.ts';
import type { ExportTargets } from './export-targets.ts';
import { writeExportFile } from './export-writer.ts';

export interface ExportQueueOptions {
  connection: Redis;
  prefix: string;
  logger: Logger;
  /** Subjects by kind (`batch`, and whatever other capabilities register). */
  subjects: Readonly<Record<string, ExportSubjectSource>>;
  targets: ExportTargets;
  maxBytes: number;
  attempts: number;
  backoffMs?: number;
  sweepIntervalMs: number;
  /** Due exports younger than this are left to the worker that made them due (default: the interval, at most 10 s). */
  sweepGraceMs?: number;
  concurrency?: number;
  partBytes?: number;
}

export interface ExportQueue {
  /** Adds the export job (a no-op while one with its id exists). */
  enqueue(data: ExportJobData): Promise<void>;
  /** Enqueues due exports older than the grace; resolves to how many it saw. */
  sweepDue(): Promise<number>;
  close(): Promise<void>;
}

export const exportQueueJobId = (data: ExportJobData) => `export-${data.kind}-${data.id}`;

export function startExportQueue(options: ExportQueueOptions): ExportQueue {
  const { connection, prefix, logger, subjects, targets, maxBytes, attempts, backoffMs = 5_000, sweepIntervalMs, sweepGraceMs = Math.min(10_000, sweepIntervalMs), concurrency = 2, partBytes } = options;
  const queue = new Queue<ExportJobData>(EXPORT_QUEUE_NAME, { connection, prefix });

  async function run(job: Job<ExportJobData>): Promise<string> {
    const { kind, id } = job.data;
    const open = subjects[kind];
    if (!open) throw new NonRetryableError(`This worker exports no "${kind}" (worker/src/exports/)`);
    const subject = await open(id);
    if (!subject) return 'gone';
    if (subject.written) return 'written before';
    await subject.markWriting();
    try {
      const { target, written } = targets(subject.destination);
      let rows = 0;
      const text = exportText(subject.rows(), { format: subject.destination.format, columns: subject.columns, onRows: (chunk) => void (rows += chunk.length) });
      const bytes = await writeExportFile(text, target, { maxBytes, ...(partBytes ? { partBytes } : {}) });
      await written();
      await subject.markWritten({ rows, bytes, writtenAt: Date.now() });
      logger.info({ kind, id, rows, bytes, key: subject.destination.key }, 'export written');
      return 'written';
    } catch (error) {
      const final = retryDecision(error) === 'fail' || job.attemptsMade + 1 >= attempts;
      const reason = error instanceof Error ? error.message : String(error);
      await subject.markFailed(reason, final).catch(() => undefined);
      logger.warn({ kind, id, attempt: job.attemptsMade + 1, final, reason }, 'export failed');
      throw error;
    }
  }

  // The shared connection, as the callbacks queue does (BullMQ never closes a connection it is handed).
  const worker = new Worker<ExportJobData>(EXPORT_QUEUE_NAME, run, { connection, prefix, concurrency });
  worker.on('error', (error) => logger.error({ err: error.message }, 'export worker error'));

  const enqueue = async (data: ExportJobData) => {
    await queue.add(data.kind, data, {
      jobId: exportQueueJobId(data), attempts, backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
      // Kept a week, so a sweep or a late duplicate finds the id taken.
      removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
    });
  };

  async function sweepDue(): Promise<number> {
    const due = await connection.zrangebyscore(exportDueKey(prefix), '-inf', Date.now() - sweepGraceMs, 'LIMIT', 0, 100);
    for (const member of due) {
      const at = member.indexOf(':');
      if (at > 0) await enqueue({ kind: member.slice(0, at), id: member.slice(at + 1) });
    }
    return due.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  let closed = false;
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      sweeping = sweepDue().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'export sweep failed')).finally(schedule);
    }, Math.round(sweepIntervalMs * (0.9 + Math.random() * 0.2)));
    timer.unref();
  };
  schedule();

  return {
    enqueue,
    sweepDue,
    async close() {
      closed = true;
      clearTimeout(timer);
      await sweeping;
      await worker.close();
      await queue.close();
    },
  };
}
