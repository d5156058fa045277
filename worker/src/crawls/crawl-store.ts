/**
 * @module worker/crawls/crawl-store
 * The worker's side of a crawl's broker state: its config (read once per crawl and process,
 * kept in a small memo: it never changes), the advance script (shared/scripts/crawl-advance-14.lua)
 * and the one-bit question "has this page been recorded as finished?".
 *
 * Redis cost per page: one EVALSHA (the advance script, which runs ~4 commands plus 2–3 per
 * link examined and ~10 per page job it adds: BullMQ's own add script), one HGET per crawl
 * and process for the config.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { addStandardJobKeys, crawlKeys, CRAWL_SCRIPTS, createCrawlScope, type CrawlConfig, type CrawlScope, type CrawlScript } from '../../../shared/crawls/index.ts';
import { exportDueKey } from '../../../shared/exports/export-keys.ts';

export interface LoadedCrawl {
  config: CrawlConfig;
  scope: CrawlScope;
}

/** One URL the advance script examines (flag: a = admit if new, r = robots.txt disallows, s = mark seen only). */
export interface CrawlEntry {
  flag: 'a' | 'r' | 's';
  fingerprint: Buffer;
  url: string;
}

export interface AdvanceInput {
  crawlId: string;
  op: 'page' | 'seed' | 'seeded' | 'fail';
  /** op page: the page's number and outcome. */
  n?: number;
  outcome?: 'completed' | 'failed';
  /** op fail: why. */
  reason?: string;
  /** Depth of the entries. */
  depth?: number;
  entries?: readonly CrawlEntry[];
  skippedScope?: number;
  skippedDepth?: number;
}

export interface AdvanceReply {
  status: 'unknown' | 'running' | 'completed' | 'cancelled' | 'failed';
  /** This call ended the crawl. */
  event: '' | 'completed' | 'failed';
  added: number;
  /** The page had already been recorded as finished: nothing changed. */
  already: boolean;
  discoveryStopped: string;
}

export interface CrawlStore {
  /** The crawl's config and scope, or null when the crawl is gone (expired) or unknown. */
  load(crawlId: string): Promise<LoadedCrawl | null>;
  advance(input: AdvanceInput): Promise<AdvanceReply>;
  /** Page n's finish was recorded (the advance script ran for it). */
  pageDone(crawlId: string, n: number): Promise<boolean>;
  /** Links of this crawl are no longer examined (a reply said so): skip extracting them. */
  discoveryStopped(crawlId: string): boolean;
  /** HGETALL of the record (for a callback's counts). */
  record(crawlId: string): Promise<Record<string, string>>;
}

interface ShaScript extends CrawlScript { sha: string }
const withSha = (script: CrawlScript): ShaScript => ({ ...script, sha: createHash('sha1').update(script.content).digest('hex') });
export const ADVANCE = withSha(CRAWL_SCRIPTS.advance);

type Arg = string | number | Buffer;

/** EVALSHA, EVAL when the server lacks the script (first call, restart). Buffers pass as bytes. */
export async function runCrawlScript(redis: Redis, script: ShaScript, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return await redis.eval(script.content, keys.length, ...keys, ...args);
  }
}

const MEMO_MAX = 1_000;

export function createCrawlStore(broker: Redis, prefix: string): CrawlStore {
  const memo = new Map<string, LoadedCrawl>();
  const stopped = new Set<string>();
  const addKeys = addStandardJobKeys(prefix);

  return {
    async load(crawlId) {
      const cached = memo.get(crawlId);
      if (cached) return cached;
      const raw = await broker.hget(crawlKeys(prefix, crawlId).record, 'config');
      if (!raw) return null;
      const config = JSON.parse(raw) as CrawlConfig;
      const loaded: LoadedCrawl = {
        config,
        scope: createCrawlScope({
          seeds: config.seeds, allowSubdomains: config.allowSubdomains, allowExternalLinks: config.allowExternalLinks,
          includePaths: config.includePaths, excludePaths: config.excludePaths, ignoreQueryParameters: config.ignoreQueryParameters,
          canonical: config.canonical,
        }),
      };
      if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
      memo.set(crawlId, loaded);
      return loaded;
    },

    async advance(input) {
      const keys = crawlKeys(prefix, input.crawlId);
      const args: Arg[] = [
        input.op, input.n ?? '', input.op === 'fail' ? (input.reason ?? 'failed').slice(0, 1000) : (input.outcome ?? ''),
        input.depth ?? 0, Date.now(), input.skippedScope ?? 0, input.skippedDepth ?? 0,
      ];
      for (const entry of input.entries ?? []) args.push(entry.flag, entry.fingerprint, entry.url);
      const reply = await runCrawlScript(broker, ADVANCE, [keys.record, keys.frontier, keys.done, keys.inflight, ...addKeys, exportDueKey(prefix)], args) as [string, string, number, number, string];
      const [status, event, added, already, discoveryStopped] = reply;
      if (discoveryStopped && !stopped.has(input.crawlId)) {
        if (stopped.size >= MEMO_MAX) stopped.delete(stopped.values().next().value!);
        stopped.add(input.crawlId);
      }
      return { status: status as AdvanceReply['status'], event: event as AdvanceReply['event'], added: Number(added), already: Number(already) === 1, discoveryStopped };
    },

    async pageDone(crawlId, n) {
      return (await broker.getbit(crawlKeys(prefix, crawlId).done, n)) === 1;
    },

    discoveryStopped: (crawlId) => stopped.has(crawlId),

    record: (crawlId) => broker.hgetall(crawlKeys(prefix, crawlId).record),
  };
}
