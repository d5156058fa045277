/**
 * Unit tests of the enqueue input: URL-file and JSON-lines parsing, local validation with
 * line numbers, and chunking into batches.
 */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.ts';
import { collectExtract } from '../../cli/flags.ts';
import { describeChunkError, InvalidItemsError, planBatches } from '../../cli/plan-batches.ts';
import { parseInput } from '../../cli/url-file.ts';

describe('parseInput', () => {
  it('skips blank lines and # comments, keeps line numbers and fragments', () => {
    const text = '# shop pages\nhttps://a.example/1\n\n  https://a.example/2#top   # trailing note\r\n#https://skipped.example/\nhttps://a.example/3';
    expect(parseInput(text)).toEqual([
      { line: 2, value: 'https://a.example/1' },
      { line: 4, value: 'https://a.example/2#top' },
      { line: 6, value: 'https://a.example/3' },
    ]);
  });

  it('parses JSON lines and names the line of a broken one', () => {
    expect(parseInput('{"url":"https://a.example/","mode":"browser"}\n# c\n', { jsonl: true })).toEqual([{ line: 1, value: { url: 'https://a.example/', mode: 'browser' } }]);
    expect(() => parseInput('{"url":"https://a.example/"}\n{nope', { jsonl: true, source: 'jobs.jsonl' })).toThrow(/jobs\.jsonl line 2 is not valid JSON/);
    expect(() => parseInput('["https://a.example/"]', { jsonl: true })).toThrow(/line 1 is not a JSON object/);
  });

  it('rejects an input with no URLs', () => {
    expect(() => parseInput('# only a comment\n\n', { source: 'empty.txt' })).toThrow(/empty\.txt has no URLs/);
  });
});

describe('planBatches', () => {
  const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ line: i + 1, value: `https://a.example/${i}` }));

  it('sends URLs with flag defaults, and JSON lines with the item winning over flags', () => {
    const [urls] = planBatches(entries(2), { mode: 'browser', extract: collectExtract('title=h1') });
    expect(urls!.body).toEqual({ urls: ['https://a.example/0', 'https://a.example/1'], defaults: { mode: 'browser', extract: { title: 'h1' } } });
    const [jobs] = planBatches([{ line: 1, value: { url: 'https://a.example/', mode: 'http' } }], { mode: 'browser', jsonl: true });
    expect(jobs!.body).toEqual({ jobs: [{ url: 'https://a.example/', mode: 'http' }] });
  });

  it('splits by item count and by body size, keeping offsets', () => {
    expect(planBatches(entries(5), { maxItems: 2 }).map((c) => [c.offset, c.entries.length])).toEqual([[0, 2], [2, 2], [4, 1]]);
    expect(planBatches(entries(4), { maxBytes: 50 }).map((c) => c.entries.length)).toEqual([2, 2]);
  });

  it('validates every item first and names line and index of each bad one', () => {
    const input = parseInput('https://a.example/\n# c\nftp://a.example/\nnot a url\n');
    const error = (() => { try { planBatches(input); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(InvalidItemsError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toBe('2 of 3 items are invalid, nothing was enqueued:');
    expect((error as CliError).details).toEqual([
      'line 3 (index 1): url: must be an absolute http:// or https:// URL',
      'line 4 (index 2): url: must be an absolute http:// or https:// URL',
    ]);
  });

  it('maps API field paths of a later chunk back to input lines', () => {
    const chunk = planBatches(entries(4), { maxItems: 2 })[1]!;
    expect(describeChunkError(chunk)({ path: 'urls.1.url', message: 'is blocked' })).toBe('line 4 (index 3): url: is blocked');
    expect(describeChunkError(chunk)({ path: 'Idempotency-Key', message: 'too long' })).toBe('Idempotency-Key: too long');
  });
});

describe('collectExtract', () => {
  it('accumulates name=selector pairs, keeping = inside the selector', () => {
    expect(collectExtract('next=a[rel=next]', collectExtract('title=h1'))).toEqual({ title: 'h1', next: 'a[rel=next]' });
    expect(() => collectExtract('h1')).toThrow(/--extract takes name=selector/);
    expect(() => collectExtract('t=h2', { t: 'h1' })).toThrow(/names "t" twice/);
  });
});
