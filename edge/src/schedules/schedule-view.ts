/**
 * @module edge/schedules/schedule-view
 * What the schedule routes answer: the definition as stored, the next fire time, the last runs
 * (with where to read each one) and the last error.
 */
import { targetKind, type ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import type { ScheduleSummaryRow, StoredRun, StoredSchedule } from './schedule-store.ts';

const iso = (ms: string | number | null | undefined) => (ms === null || ms === undefined || ms === '' ? null : new Date(Number(ms)).toISOString());

export function runUrl(base: string, kind: string, runId: string): string {
  const route = kind === 'batch' ? 'batches' : kind === 'crawl' ? 'crawls' : 'jobs';
  return new URL(`/v1/${route}/${runId}`, base).toString();
}

function runView(run: StoredRun, base: string) {
  return {
    runId: run.runId,
    kind: run.kind,
    /** The slot it fired for (null for a manual run). */
    scheduledFor: run.manual ? null : iso(run.slot),
    firedAt: iso(run.firedAt),
    manual: run.manual,
    status: run.status,
    /** `skipped`, or the job's (completed, failed, running), batch's (finished, running) or crawl's status; `unknown` once retention removed it. */
    state: run.state,
    statusUrl: run.status === 'skipped' ? null : runUrl(base, run.kind, run.runId),
  };
}

function definitionView(id: string, def: ScheduleRequest) {
  return {
    id,
    name: def.name,
    cron: def.cron ?? null,
    timezone: def.cron !== undefined ? def.timezone ?? 'UTC' : null,
    everyMs: def.everyMs ?? null,
    target: def.target,
    enabled: def.enabled,
    overlap: def.overlap,
    catchUp: def.catchUp,
  };
}

function lastError(fields: Record<string, string | null>) {
  return fields.lastError ? { message: fields.lastError, at: iso(fields.lastErrorAt) } : null;
}

export function scheduleView(id: string, stored: StoredSchedule, base: string) {
  const { fields } = stored;
  const def = JSON.parse(fields.def!) as ScheduleRequest;
  return {
    ...definitionView(id, def),
    createdAt: iso(fields.createdAt),
    updatedAt: iso(fields.updatedAt),
    nextFireAt: def.enabled ? iso(stored.nextFireAt) : null,
    lastFireAt: iso(fields.lastFireAt),
    lastError: lastError(fields),
    fired: Number(fields.fired ?? 0),
    skipped: Number(fields.skipped ?? 0),
    runs: stored.runs.map((run) => runView(run, base)),
  };
}

export function scheduleSummary(row: ScheduleSummaryRow) {
  const def = JSON.parse(row.fields.def!) as ScheduleRequest;
  const { target: _target, ...rest } = definitionView(row.id, def);
  return {
    ...rest,
    kind: targetKind(def.target),
    createdAt: iso(row.fields.createdAt),
    updatedAt: iso(row.fields.updatedAt),
    nextFireAt: def.enabled ? iso(row.nextFireAt) : null,
    lastFireAt: iso(row.fields.lastFireAt),
    lastError: lastError(row.fields),
    fired: Number(row.fields.fired ?? 0),
    skipped: Number(row.fields.skipped ?? 0),
  };
}

/** The answer to POST and PUT, built from what was stored (no read back). */
export function storedView(id: string, def: ScheduleRequest, nextFireAt: number | null, base: string) {
  return { ...definitionView(id, def), nextFireAt: iso(nextFireAt), statusUrl: new URL(`/v1/schedules/${id}`, base).toString() };
}
