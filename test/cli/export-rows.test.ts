/**
 * The CLI's row splitter (cli/export-rows.ts): only whole rows come out, whatever the chunking;
 * a CSV line break inside quotes does not end a row; the item index of the last whole row is
 * the cursor to resume from; the CSV header is written, dropped or absent as asked.
 */
import { describe, expect, it } from 'vitest';
import { rowSplitter } from '../../cli/export-rows.ts';

/** Feeds `text` in pieces of `size` characters; returns what came out and the splitter. */
function feed(format: 'jsonl' | 'csv', text: string, size: number, header: 'write' | 'drop' | 'none' = 'write') {
  const splitter = rowSplitter(format, { header });
  let out = '';
  let count = 0;
  for (let at = 0; at < text.length; at += size) {
    const { rows, count: n } = splitter.push(text.slice(at, at + size));
    out += rows;
    count += n;
  }
  return { out, count, splitter };
}

const JSONL = '{"index":0,"url":"a"}\n{"index":2,"url":"b\\nc"}\n{"index":5,"url":"d"}\n';
const CSV = 'index,url,markdown\r\n0,a,"line one\r\nline ""two"""\r\n3,b,plain\r\n7,c,"x,\ny"\r\n';

describe('rowSplitter', () => {
  it.each([1, 2, 7, 1000])('passes JSON Lines through whole in pieces of %i characters and tracks the last index', (size) => {
    const { out, count, splitter } = feed('jsonl', JSONL, size);
    expect(out).toBe(JSONL);
    expect(count).toBe(3);
    expect(splitter.lastIndex).toBe(5);
    expect(splitter.pending).toBe(false);
  });

  it.each([1, 3, 11, 1000])('keeps quoted CSV line breaks inside their row in pieces of %i characters', (size) => {
    const { out, count, splitter } = feed('csv', CSV, size);
    expect(out).toBe(CSV);
    expect(count).toBe(3);
    expect(splitter.lastIndex).toBe(7);
    expect(splitter.headerSeen).toBe(true);
  });

  it('holds back a row cut in the middle: only whole rows are written and the cursor is after the last one', () => {
    const cut = CSV.indexOf('plain') + 2;
    const { out, count, splitter } = feed('csv', CSV.slice(0, cut), 4);
    expect(out).toBe('index,url,markdown\r\n0,a,"line one\r\nline ""two"""\r\n');
    expect(count).toBe(1);
    expect(splitter.lastIndex).toBe(0);
    expect(splitter.pending).toBe(true);
  });

  it('drops a header an earlier try wrote, and expects none on a resumed download', () => {
    expect(feed('csv', CSV, 5, 'drop').out).toBe(CSV.slice(CSV.indexOf('\r\n') + 2));
    const resumed = '3,b,plain\r\n7,c,"x,\ny"\r\n';
    const { out, count, splitter } = feed('csv', resumed, 5, 'none');
    expect(out).toBe(resumed);
    expect(count).toBe(2);
    expect(splitter.headerSeen).toBe(false);
  });
});
