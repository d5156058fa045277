/**
 * @module worker/changes/change-effect
 * The change-tracking effect: for a job with `changeTracking`, swaps the page's snapshot
 * (snapshot-store.ts) and writes `result.change` before the result effect stores the result,
 * so the stored result, `GET /v1/jobs/:id` and the callback all carry it. Idempotent per job:
 * a run that found its result stored (`fromEarlierRun`) already has its change; a run that
 * swapped and died is compared with what its first run replaced (change-swap-2.lua).
 */
import { isTaskResult, type JobResult, type PageChange } from '../../../shared/job-result.ts';
import type { ChangeTracking } from '../../../shared/scrape-options/index.ts';
import { defineEffect } from '../effects/define-effect.ts';
import { diffFields, diffMarkdown } from './change-diff.ts';
import { snapshotKey, type Snapshot, type SnapshotStore } from './snapshot-store.ts';

function snapshotOf(jobId: string, result: JobResult, tracking: ChangeTracking, gone: boolean): Snapshot {
  const base = { jobId, at: result.fetchedAt, mode: tracking.mode };
  if (gone) return { ...base, removed: true };
  return { ...base, value: tracking.mode === 'fields' ? result.extract : (result.markdown ?? '') };
}

/** How `current` compares with `previous` (the snapshot it replaced). */
export function compareSnapshots(previous: Snapshot | null, current: Snapshot): PageChange {
  if (current.removed) {
    // Still gone: nothing new to report. Gone now: removed (also when never seen).
    return { status: previous?.removed ? 'same' : 'removed', previousAt: previous?.at ?? null, diff: null };
  }
  // Never seen, seen with another mode, or back after a removal: new.
  if (!previous || previous.removed || previous.mode !== current.mode) return { status: 'new', previousAt: previous?.at ?? null, diff: null };
  if (current.mode === 'markdown') {
    const [before, after] = [String(previous.value ?? ''), String(current.value ?? '')];
    if (before === after) return { status: 'same', previousAt: previous.at, diff: null };
    return { status: 'changed', previousAt: previous.at, diff: diffMarkdown(before, after, previous.at, current.at) };
  }
  const fields = diffFields((previous.value ?? {}) as Record<string, never>, (current.value ?? {}) as Record<string, never>);
  return Object.keys(fields).length === 0
    ? { status: 'same', previousAt: previous.at, diff: null }
    : { status: 'changed', previousAt: previous.at, diff: { fields } };
}

/** A result the pipeline made for a page that answered 404/410 (changes/gone-page.ts). */
export const isGoneResult = (result: JobResult) => result.httpStatus === 404 || result.httpStatus === 410;

export function changeEffect(store: SnapshotStore, prefix: string) {
  return defineEffect({
    name: 'change',
    async completed({ jobId, data }, { result, fromEarlierRun }) {
      const tracking = data?.request?.changeTracking;
      // Task jobs return their own values: nothing to track.
      if (!tracking || fromEarlierRun || !data?.request?.url || isTaskResult(result)) return;
      const current = snapshotOf(jobId, result, tracking, isGoneResult(result));
      const previous = await store.swap(snapshotKey(prefix, data.tenant, data.request.url, tracking.tag), current);
      // The result effect runs next and stores the result with its change.
      result.change = compareSnapshots(previous, current);
    },
  });
}
