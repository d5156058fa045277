/**
 * @module cli/format
 * Human-readable renderings of a job and a batch (aligned fields, the status colored on a terminal).
 */
import type { BatchView, JobView } from './client.ts';

const ANSI = { green: 32, red: 31, yellow: 33, dim: 2 } as const;

/** Wraps text in an ANSI color when `enabled`. */
export const paint = (enabled: boolean, color: keyof typeof ANSI, text: string) =>
  (enabled ? `\u001b[${ANSI[color]}m${text}\u001b[0m` : text);

export function paintStatus(status: string, color: boolean): string {
  if (status === 'completed' || status === 'finished') return paint(color, 'green', status);
  if (status === 'failed') return paint(color, 'red', status);
  return paint(color, 'yellow', status);
}

/** `label  value` lines with the values aligned; undefined values are left out. */
export function fields(rows: [string, string | undefined][], indent = ''): string {
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

export function formatJob(job: JobView, color: boolean): string {
  let text = fields([
    ['job', job.id],
    ['status', paintStatus(job.status, color)],
    ['attempts', `${job.attempts.made} of ${job.attempts.max}`],
    ['created', job.createdAt],
    ['started', job.processedAt],
    ['finished', job.finishedAt],
    ['error', job.error],
  ]);
  const result = job.result;
  if (result) {
    text += 'result\n' + fields([
      ['url', result.url],
      ['final url', result.finalUrl === result.url ? undefined : result.finalUrl],
      ['http status', String(result.httpStatus)],
      ['title', result.title === null ? paint(color, 'dim', '(none)') : result.title],
      ['fetched', `${result.fetchedAt} (${result.mode}, ${Math.round(result.durationMs)} ms, attempt ${result.attempt})`],
    ], '  ');
    const extracted = Object.entries(result.extract);
    if (extracted.length > 0) {
      text += '  extract\n' + fields(extracted.map(([name, value]) => [name, JSON.stringify(value)]), '    ');
    }
  }
  return text;
}

export function formatBatch(batch: BatchView, color: boolean): string {
  const finished = batch.completed + batch.failed;
  return fields([
    ['batch', batch.batchId],
    ['state', paintStatus(batch.state, color)],
    ['progress', `${batch.progress}% (${finished} of ${batch.total} finished)`],
    ['completed', String(batch.completed)],
    ['failed', batch.failed > 0 ? paint(color, 'red', String(batch.failed)) : '0'],
    ['pending', String(batch.pending)],
    ['created', batch.createdAt],
  ]);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** Columns padded to their widest cell under an upper-case header; null/undefined print as `-`. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : String(cell))));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}
