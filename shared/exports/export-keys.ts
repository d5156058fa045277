/**
 * @module shared/exports/export-keys
 * What the edge, the batch scripts and the workers agree on about exports: the queue the export
 * jobs go to, the set of exports that are due, and the record fields that hold an export's state.
 *
 * A batch with an `export` has, in its record (shared/batch-keys.ts): `export` (the destination,
 * JSON of ExportDestination), then as it goes `exportState` (`due` once the batch finished, then
 * `writing`, `written` or `failed`), `exportRows`, `exportBytes`, `exportWrittenAt`,
 * `exportError`, `exportAttempts`.
 */

/** BullMQ queue of export jobs (one per finished batch or crawl, id `<id>-export`). */
export const EXPORT_QUEUE_NAME = 'exports';

/** Sorted set of `<kind>:<id>` due for export, scored by when they became due (ms). */
export function exportDueKey(prefix: string): string {
  return `${prefix}:exports:due`;
}

export type ExportState = 'pending' | 'due' | 'writing' | 'written' | 'failed';

/** The data of an export job: what to export (`batch`, or a kind another capability registers, e.g. `crawl`). */
export interface ExportJobData {
  kind: string;
  id: string;
}
