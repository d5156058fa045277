/**
 * @module edge/crawls/crawl-store
 * The edge's broker and result-store calls for crawls, each one REST round trip:
 * create (crawl-create-10: the record and the seed job, or the existing crawl), read (HGETALL
 * of the record and SCARD of its in-flight set in one /pipeline: 2 commands), cancel
 * (crawl-cancel-4) and one page of the page list (crawl-pages-1, result store) with the
 * results of its completed pages (MGET, same request: 2 commands).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { crawlKeys, CRAWL_SCRIPTS, crawlViewOf, type CrawlCreatePlan, type CrawlPageRecord, type CrawlScript, type CrawlView } from '../../../shared/crawls/index.ts';
import { hashReplyToRecord } from '../../../shared/hash-reply.ts';
import { resultKey, queueKeys } from '../../../shared/keys.ts';

const scriptsByClient = new WeakMap<Redis, Map<string, ReturnType<Redis['createScript']>>>();

function script(redis: Redis, definition: CrawlScript) {
  let scripts = scriptsByClient.get(redis);
  if (!scripts) scriptsByClient.set(redis, (scripts = new Map()));
  let found = scripts.get(definition.name);
  if (!found) scripts.set(definition.name, (found = redis.createScript(definition.content)));
  return found;
}

export async function createCrawl(broker: Redis, plan: CrawlCreatePlan): Promise<{ created: boolean; status: string }> {
  const [created, status] = await script(broker, CRAWL_SCRIPTS.create).exec(plan.keys, plan.argv) as [number, string];
  return { created: Number(created) === 1, status: String(status) };
}

/** The view and the raw record (its export fields), or null for no crawl. */
export async function readCrawl(broker: Redis, prefix: string, crawlId: string): Promise<{ view: CrawlView; record: Record<string, string> } | null> {
  const keys = crawlKeys(prefix, crawlId);
  const [reply, inFlight] = await broker.pipeline().hgetall(keys.record).scard(keys.inflight).exec() as [unknown, number];
  const view = crawlViewOf(reply, Number(inFlight));
  return view ? { view, record: hashReplyToRecord(reply) } : null;
}

export interface CancelOutcome {
  cancelled: boolean;
  status: string;
  removed: number;
  running: number;
}

export async function cancelCrawl(broker: Redis, prefix: string, crawlId: string): Promise<CancelOutcome> {
  const keys = crawlKeys(prefix, crawlId);
  const queue = queueKeys(prefix);
  const [cancelled, status, removed, running] = await script(broker, CRAWL_SCRIPTS.cancel).exec(
    [keys.record, keys.frontier, keys.inflight, `${queue.base}repeat`], [queue.base, prefix, String(Date.now())],
  ) as [number, string, number, number];
  return { cancelled: Number(cancelled) === 1, status: String(status), removed: Number(removed), running: Number(running) };
}

export interface PageOfPages {
  /** Records in the list (every status). */
  size: number;
  /** Position to continue from, or null at the end. */
  next: number | null;
  records: CrawlPageRecord[];
}

export async function listCrawlPages(results: Redis, prefix: string, crawlId: string, options: { cursor: number; limit: number; status?: string; scanBudget: number }): Promise<PageOfPages> {
  const reply = await script(results, CRAWL_SCRIPTS.pages).exec([crawlKeys(prefix, crawlId).pages], [
    String(options.cursor), String(options.limit), options.status ?? '', String(options.scanBudget),
  ]) as unknown[];
  const [size, next, ...records] = reply;
  return {
    size: Number(size),
    next: Number(next) < 0 ? null : Number(next),
    records: records.map((record) => JSON.parse(String(record)) as CrawlPageRecord),
  };
}

/** The stored results of the completed records, by job id (one MGET; none for failed pages). */
export async function pageResults(results: Redis, prefix: string, records: readonly CrawlPageRecord[]): Promise<Map<string, unknown>> {
  const ids = records.filter((record) => record.status === 'completed').map((record) => record.jobId);
  const found = new Map<string, unknown>();
  if (ids.length === 0) return found;
  const values = await results.mget(...ids.map((id) => resultKey(prefix, id))) as (string | null)[];
  values.forEach((value, i) => {
    if (value !== null) found.set(ids[i]!, JSON.parse(value));
  });
  return found;
}

export async function crawlExists(broker: Redis, prefix: string, crawlId: string): Promise<boolean> {
  return Number(await broker.exists(crawlKeys(prefix, crawlId).record)) === 1;
}
