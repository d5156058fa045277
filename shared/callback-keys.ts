/**
 * @module shared/callback-keys
 * Result-callback bookkeeping shared by the worker (writes) and the edge (shows it in
 * `GET /v1/jobs/:id`): a hash in the result store per job.
 */
import { hashReplyToRecord } from './hash-reply.ts';

/** Queue that delivers callbacks, separate from scraping so a failing receiver never re-runs a scrape. */
export const CALLBACK_QUEUE_NAME = 'callbacks';

/** Hash: `attempts`, `delivered` (0/1), `lastStatus`, `lastError`, `lastAttemptAt`, `deliveredAt`. */
export function callbackStatusKey(prefix: string, jobId: string): string {
  return `${prefix}:callback:${jobId}`;
}

export interface CallbackStatus {
  attempts: number;
  delivered: boolean;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

/** Reads the hash as HGETALL returns it (object or flat list). */
export function parseCallbackStatus(reply: unknown): CallbackStatus | undefined {
  const record = hashReplyToRecord(reply);
  if (!record.attempts) return undefined;
  const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
  return {
    attempts: Number(record.attempts),
    delivered: record.delivered === '1',
    lastStatus: record.lastStatus ? Number(record.lastStatus) : null,
    lastError: record.lastError || null,
    lastAttemptAt: iso(record.lastAttemptAt),
    deliveredAt: iso(record.deliveredAt),
  };
}
