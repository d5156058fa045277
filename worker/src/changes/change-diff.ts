/**
 * @module worker/changes/change-diff
 * What changed between two snapshots: per extracted field, the previous and current value, and
 * for lists the items added and removed (jsdiff's `diffArrays`, Myers' algorithm; bounded by the
 * extraction limits: at most 50 fields, each within QUARRY_MAX_RESULT_BYTES), or a unified diff
 * of the markdown (jsdiff's `createTwoFilesPatch`). Myers is O(N·D): a markdown diff that does
 * not finish within DIFF_TIMEOUT_MS is reported as changed without a diff.
 */
import { createTwoFilesPatch, diffArrays } from 'diff';

export const DIFF_TIMEOUT_MS = 250;

type Value = string | null | string[];

export interface FieldChange {
  previous: Value | undefined;
  current: Value | undefined;
  added?: string[];
  removed?: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Changed fields only; an empty object means the values are the same. */
export function diffFields(previous: Record<string, Value>, current: Record<string, Value>): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const name of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    // A field that is absent on one side reads as null (no match), as the extract output gives it.
    const before = previous[name] ?? null;
    const after = current[name] ?? null;
    if (same(before, after)) continue;
    const change: FieldChange = { previous: before, current: after };
    if (Array.isArray(before) && Array.isArray(after)) {
      const parts = diffArrays(before, after);
      change.added = parts.filter((part) => part.added).flatMap((part) => part.value);
      change.removed = parts.filter((part) => part.removed).flatMap((part) => part.value);
    }
    changes[name] = change;
  }
  return changes;
}

/** A unified diff (`--- previous` / `+++ current`, 3 lines of context), or null when it could not be computed in time. */
export function diffMarkdown(previous: string, current: string, previousAt: string, currentAt: string): string | null {
  return createTwoFilesPatch('previous', 'current', previous, current, previousAt, currentAt, { context: 3, timeout: DIFF_TIMEOUT_MS }) ?? null;
}
