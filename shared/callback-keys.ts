/**
 * @module shared/callback-keys
 * Result-callback bookkeeping shared by the worker (writes) and the edge (shows it in
 * `GET /v1/jobs/:id`): a hash in the result store per job.
 */

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
  let record: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = String(reply[i + 1]);
  } else if (reply && typeof reply === 'object') {
    record = reply as Record<string, string>;
  }
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
