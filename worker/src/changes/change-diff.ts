/**
 * @module worker/changes/change-diff
 * What changed between two snapshots: per extracted field, the previous and current value, and
 * for lists the items added and removed (jsdiff's `diffArrays`, Myers' algorithm). Bounded by
 * the extraction limits: at most 50 fields, each within QUARRY_MAX_RESULT_BYTES.
 */
import { diffArrays } from 'diff';

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
    const before = previous[name];
    const after = current[name];
    if (same(before, after)) continue;
    const change: FieldChange = { previous: before ?? null, current: after ?? null };
    if (Array.isArray(before) && Array.isArray(after)) {
      const parts = diffArrays(before, after);
      change.added = parts.filter((part) => part.added).flatMap((part) => part.value);
      change.removed = parts.filter((part) => part.removed).flatMap((part) => part.value);
    }
    changes[name] = change;
  }
  return changes;
}
