/**
 * @module bench/peers/bullmq/raw-worker
 * Raw BullMQ, the floor under Quarry: a bare `Worker` whose processor fetches with undici,
 * parses with cheerio/slim and stores the result like Quarry does (`SET key json EX`) — no
 * validation, SSRF guard, politeness or error taxonomy. `BENCH_PARSE=none` stores only the
 * status and size: the fetch-only ceiling. Prints `ready` once the worker is connected.
 *
 * Env: those of bench-worker.ts, and BENCH_PARSE.
 */
import { parseAndExtract } from '../extract-page.ts';
import { serveBenchWorker } from './bench-worker.ts';

const parse = process.env.BENCH_PARSE !== 'none';

await serveBenchWorker(({ fetchPage, storeResult }) => async (job) => {
  const { status, html } = await fetchPage(job.data.request.url);
  await storeResult(job, parse ? parseAndExtract(html) : { status, bytes: html.length });
  return { status };
});
