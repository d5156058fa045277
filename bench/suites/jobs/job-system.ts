/**
 * @module bench/suites/jobs/job-system
 * What the http and browser suites compare: a "job system" takes a list of URLs, scrapes them
 * with its own workers and leaves one result per URL in the result-store Redis. Quarry, raw
 * BullMQ, Celery and Crawlee each implement this once; the measurement is shared.
 */
import type { Cleanup } from '../../core/cleanup.ts';
import type { SiteProcess } from '../../setup/test-site-process.ts';
import type { PageKind } from '../../workload/pages.ts';
import type { ScrapedFields } from '../../workload/verify.ts';

export interface SystemEnv {
  root: string;
  site: SiteProcess;
  /** Fresh broker redis-server for this measurement (unused by broker-less systems). */
  brokerUrl: string;
  /** Fresh result-store redis-server; results must land here with SET/SETEX. */
  resultsUrl: string;
  kind: PageKind;
  /** Chromium binary for browser-mode systems. */
  chromium?: string;
  cleanup: Cleanup;
  verbose: boolean;
  log(line: string): void;
}

export interface EnqueuedJob {
  url: string;
  /** Epoch ms when the job was handed to the system (start of its enqueue call). */
  at: number;
}

export interface RunningSystem {
  /** Root pids of the system's processes (their descendants count too). */
  roots(): number[];
  /** Hands over every URL; resolves once all are enqueued, with each job's id. */
  enqueue(urls: readonly string[]): Promise<Map<string, EnqueuedJob>>;
  /** One line on the system's state, added to a timeout error (e.g. BullMQ's failed count). */
  diagnose?(): Promise<string>;
  stop(): Promise<void>;
}

export interface JobSystem {
  id: string;
  label: string;
  /** Has a Redis broker whose commands per job mean something (Crawlee has none). */
  broker: boolean;
  /** Result-store key → job id, or undefined for other keys. */
  jobIdOf(key: string): string | undefined;
  resultKeyOf(jobId: string): string;
  /** The stored value as the workload's fields; undefined when the system stores no fields (fetch-only). */
  readFields?(raw: string): ScrapedFields;
  start(env: SystemEnv): Promise<RunningSystem>;
}
