/**
 * @module shared/exports
 * Exporting results as JSON Lines or CSV: the rows (batch-rows.ts reads a batch's results in
 * chunks, crawl-rows.ts a crawl's completed pages), the column spec a CSV header comes from, and
 * the two encoders. The edge streams them (`GET /v1/batches/:id/results`,
 * `GET /v1/crawls/:id/pages?format=csv`), the workers write them to object storage (a batch's `export`).
 */
export * from './batch-rows.ts';
export * from './crawl-rows.ts';
export * from './csv.ts';
export * from './export-columns.ts';
export * from './export-keys.ts';
export * from './export-rows.ts';
export * from './export-target.ts';
export * from './export-text.ts';
export * from './ndjson.ts';
