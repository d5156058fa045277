/**
 * A batch's results as export rows: item ids (default, matched, own key), skipped items,
 * offloaded stubs, cursor and limit, chunks bounded and adapting to result size, and memory
 * that stays flat over 100,000 results streamed through the encoder.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { batchRows, exportText, type BatchRowStore, type ExportRow } from '../../shared/exports/index.ts';
import type { JobResult } from '../../shared/job-result.ts';

const resultFor = (jobId: string, extra: Partial<JobResult> = {}): JobResult => ({
  url: `https://e.com/${jobId}`, finalUrl: `https://e.com/${jobId}`, httpStatus: 200, title: jobId, extract: { id: jobId },
  fetchedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, mode: 'http', attempt: 1, ...extra,
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface FakeStore extends BatchRowStore {
  reads: number[];
}

/** Results generated on demand (nothing held), `missing` items without one, `overrides` by index. */
function fakeStore(options: { missing?: Set<number>; overrides?: Map<number, string>; pad?: number; stubs?: Set<string> } = {}): FakeStore {
  const reads: number[] = [];
  const padding = 'x'.repeat(options.pad ?? 0);
  return {
    reads,
    async itemIds(indexes) {
      return indexes.map((index) => options.overrides?.get(index) ?? null);
    },
    async results(jobIds) {
      reads.push(jobIds.length);
      return jobIds.map((jobId) => {
        const index = Number(jobId.split('-').at(-1));
        if (options.missing?.has(index)) return null;
        if (options.stubs?.has(jobId)) return JSON.stringify(resultFor(jobId, { extract: {}, offloaded: ['extract'], artifacts: [{ name: 'result.json', type: 'result', contentType: 'application/json', bytes: 10, key: 'k' }] }));
        return JSON.stringify(resultFor(jobId, { markdown: padding }));
      });
    },
    async offloaded(jobId) {
      return resultFor(jobId, { extract: { id: jobId, whole: 'yes' } });
    },
  };
}

async function collect(chunks: AsyncIterable<ExportRow[]>): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for await (const chunk of chunks) rows.push(...chunk);
  return rows;
}

describe('batchRows', () => {
  it('reads item i from <batchId>-i, or the recorded id, and skips items without a result', async () => {
    const store = fakeStore({ missing: new Set([2]), overrides: new Map([[1, 'tag.own-key-9']]) });
    const rows = await collect(batchRows(store, { batchId: 'b1', items: 4 }));
    expect(rows.map((row) => [row.index, row.jobId])).toEqual([[0, 'b1-0'], [1, 'tag.own-key-9'], [3, 'b1-3']]);
    expect(rows[0]!.result.extract).toEqual({ id: 'b1-0' });
  });

  it('replaces an offloaded stub by its whole result', async () => {
    const rows = await collect(batchRows(fakeStore({ stubs: new Set(['b-1']) }), { batchId: 'b', items: 2 }));
    expect(rows[1]!.result.extract).toEqual({ id: 'b-1', whole: 'yes' });
    expect(rows[1]!.result.offloaded).toBeUndefined();
  });

  it('starts at the cursor and stops at the limit', async () => {
    const rows = await collect(batchRows(fakeStore({ missing: new Set([5]) }), { batchId: 'b', items: 100, from: 4, limit: 3 }));
    expect(rows.map((row) => row.index)).toEqual([4, 6, 7]);
  });

  it('reads in chunks bounded by maxChunk that shrink for large results', async () => {
    const small = fakeStore();
    await collect(batchRows(small, { batchId: 'b', items: 5000, maxChunk: 1000 }));
    expect(Math.max(...small.reads)).toBe(1000);
    expect(small.reads.reduce((a, b) => a + b, 0)).toBe(5000);
    const large = fakeStore({ pad: 100_000 });
    await collect(batchRows(large, { batchId: 'b', items: 300, targetChunkBytes: 1_000_000 }));
    expect(large.reads[0]).toBe(100);
    expect(Math.max(...large.reads.slice(1))).toBeLessThanOrEqual(10);
  });

  it('streams 100,000 results through the encoder with flat memory and every index once, in order', async () => {
    const store = fakeStore({ pad: 200 });
    const items = 100_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let chunks = 0;
    let lines = 0;
    let next = 0;
    let ordered = true;
    const text = exportText(batchRows(store, { batchId: 'b', items }), {
      format: 'jsonl', columns: { extract: ['id'], formats: [] },
      onRows(rows) {
        for (const row of rows) ordered &&= row.index === next++;
      },
    });
    for await (const chunk of text) {
      lines += chunk.split('\n').length - 1;
      // What stays reachable while the export runs (garbage collected first), every 10th chunk.
      if (++chunks % 10 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(lines).toBe(items);
    expect(ordered).toBe(true);
    expect(next).toBe(items);
    // 100,000 results of ~500 B are ~50 MB of text; one chunk (≤ 1,000 results) is ~0.5 MB.
    expect(chunks).toBeGreaterThan(50);
    expect(peak).toBeLessThan(8 * 1024 * 1024);
    expect(Math.max(...store.reads)).toBeLessThanOrEqual(1000);
  });
});


