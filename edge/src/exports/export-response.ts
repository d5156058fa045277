/**
 * @module edge/exports/export-response
 * A streamed export download: rows (in chunks) encoded as JSON Lines or CSV into a response
 * body that pulls the next chunk only when the client has taken the last one, so an isolate
 * holds one chunk at a time whatever the export's size. Any capability with rows (batches, crawl
 * pages) answers with it. A failure mid-way ends the body early: the client resumes from the
 * last complete row's `index` + 1.
 */
import { EXPORT_CONTENT_TYPES, EXPORT_EXTENSIONS, exportText, type ExportColumns, type ExportRow } from '../../../shared/exports/index.ts';
import type { ExportRequest } from './export-request.ts';

export interface ExportResponseOptions {
  request: ExportRequest;
  /** CSV columns (exports/ derives them from what the jobs asked for). */
  columns: ExportColumns;
  /** File name in Content-Disposition, without extension. */
  filename: string;
  headers?: Record<string, string>;
}

export function exportResponse(chunks: AsyncIterable<readonly ExportRow[]>, options: ExportResponseOptions): Response {
  const { request } = options;
  const text = exportText(chunks, { format: request.format, columns: options.columns, header: request.header })[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await text.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error('export stream failed part-way', error instanceof Error ? error.message : String(error));
        controller.error(error);
      }
    },
    async cancel() {
      await text.return?.(undefined);
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': EXPORT_CONTENT_TYPES[request.format],
      'content-disposition': `attachment; filename="${options.filename}.${EXPORT_EXTENSIONS[request.format]}"`,
      'cache-control': 'no-store',
      ...options.headers,
    },
  });
}
