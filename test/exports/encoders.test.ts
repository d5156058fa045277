/**
 * The export encoders: JSON Lines rows, RFC 4180 CSV with the documented flattening, and the
 * columns a batch's requests give.
 */
import { describe, expect, it } from 'vitest';
import { csvEncoder, csvField, exportColumnsOf, exportText, MAX_EXTRACT_COLUMNS, ndjsonLine, parseExportColumns, type ExportRow } from '../../shared/exports/index.ts';
import type { JobResult } from '../../shared/job-result.ts';

const base: JobResult = {
  url: 'https://e.com/a', finalUrl: 'https://e.com/a', httpStatus: 200, title: 'A, "quoted"', extract: { h1: 'Head', tags: ['x', 'y'], none: null },
  fetchedAt: '2026-01-01T00:00:00.000Z', durationMs: 12, mode: 'http', attempt: 1,
};

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks, and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(200)).toBe('200');
    expect(csvField(false)).toBe('false');
    expect(csvField(['a', 'b'])).toBe('"[""a"",""b""]"');
  });

  it('flattens extract names, metadata fields and JSON for arrays and objects', () => {
    const result: JobResult = {
      ...base, markdown: '# T\n\n- item', links: ['https://e.com/1', 'https://e.com/2'],
      metadata: { title: 'T', description: null, language: 'en', canonical: null, robots: null, og: { 'og:title': 'T' }, statusCode: 200, contentType: 'text/html', finalUrl: 'https://e.com/a', fetchedAt: '2026-01-01T00:00:00.000Z' },
    };
    const encoder = csvEncoder({ extract: ['h1', 'tags', 'none', 'missing'], formats: ['markdown', 'links', 'metadata'] });
    expect(encoder.header).toBe('index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract.h1,extract.tags,extract.none,extract.missing,markdown,links,'
      + 'metadata.title,metadata.description,metadata.language,metadata.canonical,metadata.robots,metadata.og,metadata.statusCode,metadata.contentType,metadata.finalUrl,metadata.fetchedAt\r\n');
    expect(encoder.line({ index: 3, jobId: 'j-3', result })).toBe('3,j-3,https://e.com/a,https://e.com/a,200,"A, ""quoted""",2026-01-01T00:00:00.000Z,12,http,1,Head,"[""x"",""y""]",,,'
      + '"# T\n\n- item","[""https://e.com/1"",""https://e.com/2""]",T,,en,,,"{""og:title"":""T""}",200,text/html,https://e.com/a,2026-01-01T00:00:00.000Z\r\n');
  });

  it('puts the whole extract in one JSON column when the batch named too many, and artifacts for captures', () => {
    const encoder = csvEncoder({ extract: null, formats: ['screenshot', 'pdf'] });
    expect(encoder.header).toBe('index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract,artifacts\r\n');
    const line = encoder.line({ index: 0, jobId: 'j', result: { ...base, artifacts: [{ name: 'page.pdf', type: 'pdf', contentType: 'application/pdf', bytes: 9, key: 'k' }] } });
    expect(line).toContain('"{""h1"":""Head"",""tags"":[""x"",""y""],""none"":null}","[{""name"":""page.pdf""');
  });
});

describe('json lines', () => {
  it('one line per row: index and jobId, then the result; line breaks stay escaped', () => {
    const line = ndjsonLine({ index: 7, jobId: 'j-7', result: { ...base, markdown: 'a\nb' } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ index: 7, jobId: 'j-7', ...base, markdown: 'a\nb' });
  });
});

describe('columns of a batch', () => {
  it('are the extract names in order of first appearance and the formats in a fixed order', () => {
    const columns = exportColumnsOf([
      { extract: { title: 'h1', 'links[]': 'a' }, formats: ['links', 'markdown'] },
      { extract: { price: '.p', title: 'h2' }, formats: [{ type: 'screenshot' }] },
    ]);
    expect(columns).toEqual({ extract: ['title', 'links', 'price'], formats: ['markdown', 'links', 'screenshot'] });
    expect(parseExportColumns(JSON.stringify(columns))).toEqual(columns);
    expect(parseExportColumns(undefined)).toEqual({ extract: null, formats: [] });
    expect(parseExportColumns('not json')).toEqual({ extract: null, formats: [] });
  });

  it('fall back to one extract column past the name cap', () => {
    const many = Array.from({ length: MAX_EXTRACT_COLUMNS + 1 }, (_, i) => ({ extract: { [`f${i}`]: 'p' } }));
    expect(exportColumnsOf(many).extract).toBeNull();
  });
});

describe('exportText', () => {
  it('writes the CSV header with the first chunk, or not at all for a resumed download', async () => {
    async function* chunks(): AsyncGenerator<ExportRow[]> {
      yield [{ index: 0, jobId: 'a', result: base }];
      yield [{ index: 1, jobId: 'b', result: base }];
    }
    const columns = { extract: [], formats: [] };
    const whole = [];
    for await (const text of exportText(chunks(), { format: 'csv', columns })) whole.push(text);
    expect(whole).toHaveLength(2);
    expect(whole[0]!.startsWith('index,jobId,')).toBe(true);
    const resumed = [];
    for await (const text of exportText(chunks(), { format: 'csv', columns, header: false })) resumed.push(text);
    expect(resumed[0]!.startsWith('0,a,')).toBe(true);
    const empty = [];
    for await (const text of exportText((async function* () {})(), { format: 'csv', columns })) empty.push(text);
    expect(empty).toEqual(['index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt\r\n']);
  });
});
