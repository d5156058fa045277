/**
 * @module worker/effects/failed-sweeper
 * The backstop that makes every failure count, whatever path failed the job. The worker's
 * `failed` listener runs the failure effects (batch counter, callback) for jobs it failed
 * itself, but not for jobs BullMQ's stalled-job check failed inside its Lua (maxStalledCount
 * exceeded: no local event carries the job), nor for a failure whose worker died before its
 * listener finished. So one worker at a time (a lock with a TTL of one interval) reads the
 * failed set from a stored checkpoint (minus a margin for clock differences between workers)
 * and runs the same idempotent effects for each job: the batch's done set counts a job once,
 * the callback's delivery id (per run and event) delivers it once.
 *
 * Redis cost, fleet-wide per interval: one `SET NX PX` per worker (the lock attempt); for the
 * holder a `GET` and a `SET` of the checkpoint and one `ZRANGEBYSCORE` per 500 failed jobs in
 * the window; then per job in the window one `EVALSHA` (still failed? read its data, count its
 * batch) and, for jobs with a callbackUrl, one add to the callbacks queue (a no-op when the
 * listener already queued it). Jobs that failed within the margin before a sweep are read
 * again by the next one.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BATCH_OUTCOME_LUA_FUNCTIONS, BATCH_TTL_SECONDS } from '../../../shared/batch-keys.ts';
import { queueKeys } from '../../../shared/keys.ts';
import type { LuaScript } from '../../../shared/scripts/load-scripts.ts';
import { runScript } from '../politeness/run-script.ts';
import type { EffectData } from './define-effect.ts';
import type { JobEffects } from './job-effects.ts';

export interface FailedSweeperOptions {
  broker: Redis;
  prefix: string;
  effects: JobEffects;
  logger: Logger;
  /** How often the fleet sweeps (each worker tries; one holds the lock for this long). */
  intervalMs: number;
  /** Clock difference between workers the checkpoint tolerates (a failed job's score is its worker's clock). */
  marginMs?: number;
}

export interface SweepReport {
  /** Failed jobs read in the window. */
  seen: number;
  /** Those whose batch this sweep counted (the listener had not). */
  batchCounted: number;
}

export interface FailedSweeper {
  /** One sweep now, if this worker gets the lock; undefined when another worker holds it. */
  sweep(): Promise<SweepReport | undefined>;
  close(): Promise<void>;
}

export const DEFAULT_SWEEP_MARGIN_MS = 10_000;
/** Callback delivery ids are kept 24 h after delivery: never look back further than half that. */
const MAX_LOOKBACK_MS = 12 * 3600_000;
const PAGE = 500;

/*
 * KEYS[1] failed zset, KEYS[2] job hash; ARGV[1] job id, ARGV[2] Quarry prefix, ARGV[3] batch TTL s.
 * Reply: false when the job is no longer failed (retried, removed), else { data, failedReason,
 * batchCounted (0|1) }. Checking the state in the same script keeps a job retried meanwhile
 * from being counted as failed again.
 */
const FAILED_OUTCOME_LUA = `${BATCH_OUTCOME_LUA_FUNCTIONS}
if not redis.call("ZSCORE", KEYS[1], ARGV[1]) then return false end
local fields = redis.call("HMGET", KEYS[2], "data", "failedReason")
if not fields[1] then return false end
local counted = 0
local ok, data = pcall(cjson.decode, fields[1])
if ok and type(data) == "table" then
  counted = quarryBatchOutcome(quarryBatchRecord(ARGV[2], data.batchId), ARGV[1], "failed", ARGV[3])
end
return { fields[1], fields[2] or "", counted }
`;

const FAILED_OUTCOME: LuaScript = {
  name: 'failed-outcome', numberOfKeys: 2, content: FAILED_OUTCOME_LUA,
  sha: createHash('sha1').update(FAILED_OUTCOME_LUA).digest('hex'),
};

export function sweeperKeys(prefix: string) {
  return { lock: `${prefix}:failed-sweep:lock`, checkpoint: `${prefix}:failed-sweep:checkpoint` };
}

export function startFailedSweeper(options: FailedSweeperOptions): FailedSweeper {
  const { broker, prefix, effects, logger, intervalMs, marginMs = DEFAULT_SWEEP_MARGIN_MS } = options;
  const queue = queueKeys(prefix);
  const failedKey = queue.key('failed');
  const keys = sweeperKeys(prefix);

  async function handle(jobId: string): Promise<boolean> {
    const reply = await runScript(broker, FAILED_OUTCOME, [failedKey, queue.job(jobId)], [jobId, prefix, BATCH_TTL_SECONDS]);
    if (!Array.isArray(reply)) return false;
    const [raw, reason, counted] = reply as [string, string, number];
    let data: EffectData | undefined;
    try {
      data = JSON.parse(raw) as EffectData;
    } catch {
      data = undefined; // data the edge did not write: nothing to count, nowhere to call back
    }
    await effects.failed({ jobId, data }, { reason: reason || 'failed', batchCounted: true });
    return counted === 1;
  }

  async function sweep(): Promise<SweepReport | undefined> {
    if ((await broker.set(keys.lock, randomUUID(), 'PX', intervalMs, 'NX')) !== 'OK') return undefined;
    const startedAt = Date.now();
    const stored = Number(await broker.get(keys.checkpoint));
    // Without a checkpoint (first sweep of a fleet) the last interval is enough: jobs fail only
    // while workers run, and every worker sweeps.
    const from = Math.max(stored > 0 ? stored - marginMs : startedAt - intervalMs - marginMs, startedAt - MAX_LOOKBACK_MS);
    const report: SweepReport = { seen: 0, batchCounted: 0 };
    for (let offset = 0; ; offset += PAGE) {
      const page = await broker.zrangebyscore(failedKey, from, '+inf', 'LIMIT', offset, PAGE);
      for (const jobId of page) {
        report.seen++;
        if (await handle(jobId)) report.batchCounted++;
      }
      if (page.length < PAGE) break;
    }
    // The sweeper's own clock: a job failing from now on scores at least about this much.
    await broker.set(keys.checkpoint, String(startedAt));
    if (report.batchCounted > 0) logger.info(report, 'failed-job sweep counted failures the failed listener missed');
    return report;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;
  const schedule = () => {
    if (closed) return;
    // ±10 % so the fleet's workers do not all try the lock in the same millisecond.
    timer = setTimeout(() => {
      running = sweep().catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'failed-job sweep did not finish; the next one retries');
      }).finally(schedule);
    }, Math.round(intervalMs * (0.9 + Math.random() * 0.2)));
    timer.unref();
  };
  schedule();

  return {
    sweep,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
