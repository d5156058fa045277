/**
 * @module cli/export-rows
 * Splits an export download into whole rows as its bytes arrive, so that only complete rows are
 * written out and a broken download resumes exactly after the last one: JSON Lines end at each
 * newline; CSV rows end at a line break outside quotes (a quoted cell may hold line breaks).
 * Every row starts with its item index (`{"index": n, …}`, or the first CSV cell), the cursor
 * to resume from.
 */
export interface RowSplitter {
  /** The complete rows in `text` (and what came before it), as one string to write; `count` data rows. */
  push(text: string): { rows: string; count: number };
  /** Index of the last complete data row, or undefined before the first. */
  readonly lastIndex: number | undefined;
  /** A partial row is buffered (the download ended mid-row). */
  readonly pending: boolean;
  /** The CSV header line went by (written or dropped). */
  readonly headerSeen: boolean;
}

/** The CSV header line the download starts with: written out, dropped (written by an earlier try), or none. */
export type HeaderHandling = 'write' | 'drop' | 'none';

export function rowSplitter(format: 'jsonl' | 'csv', options: { header: HeaderHandling }): RowSplitter {
  let buffer = '';
  let lastIndex: number | undefined;
  let headerLeft = format === 'csv' && options.header !== 'none';
  const dropHeader = options.header === 'drop';
  let quoted = false;
  let scanned = 0;

  const indexOf = (row: string): number | undefined => {
    const match = format === 'jsonl' ? /^\{"index":(\d+)/.exec(row) : /^(\d+),/.exec(row);
    return match ? Number(match[1]) : undefined;
  };

  return {
    push(text) {
      buffer += text;
      let start = 0;
      let end = 0;
      let count = 0;
      for (let i = scanned; i < buffer.length; i++) {
        const char = buffer[i];
        if (format === 'csv' && char === '"') quoted = !quoted;
        else if (char === '\n' && !quoted) {
          const row = buffer.slice(end, i + 1);
          if (headerLeft) {
            headerLeft = false;
            if (dropHeader) start = i + 1;
          } else {
            lastIndex = indexOf(row) ?? lastIndex;
            count++;
          }
          end = i + 1;
        }
      }
      const rows = buffer.slice(start, end);
      buffer = buffer.slice(end);
      scanned = buffer.length;
      return { rows, count };
    },
    get lastIndex() {
      return lastIndex;
    },
    get pending() {
      return buffer.length > 0;
    },
    get headerSeen() {
      return format === 'csv' && options.header !== 'none' && !headerLeft;
    },
  };
}
