/**
 * @module bench/soak/effect-counters
 * The two observable effects of a job, counted per job: result-store writes (every SET of
 * `<prefix>:result:<id>`, from keyspace notifications, with arrival times) and requests the site
 * received per page. A job whose result was written twice ran to completion twice.
 */
import { startCompletionTracker, type CompletionTracker } from '../measure/completion-tracker.ts';
import { nowMs } from '../measure/latency.ts';
import type { TestSite } from '../../test/support/test-site.ts';

export interface ResultWrites {
  /** Write times (epoch ms) per job id, every write, in arrival order. */
  readonly writes: ReadonlyMap<string, number[]>;
  /** Writes seen, all jobs. */
  total(): number;
  close(): Promise<void>;
}

export async function countResultWrites(redisUrl: string, prefix: string): Promise<ResultWrites> {
  const keyPrefix = `${prefix}:result:`;
  const writes = new Map<string, number[]>();
  let total = 0;
  // The completion tracker subscribes to SET notifications and maps every written key through
  // `jobIdOf`; its own map keeps only the first write, so every write is counted here.
  const tracker: CompletionTracker = await startCompletionTracker({
    redisUrl,
    jobIdOf: (key) => {
      if (!key.startsWith(keyPrefix)) return undefined;
      const id = key.slice(keyPrefix.length);
      const list = writes.get(id) ?? [];
      list.push(nowMs());
      writes.set(id, list);
      total++;
      return id;
    },
  });
  return { writes, total: () => total, close: () => tracker.close() };
}

export interface SiteRequests {
  /** Requests per path (query included) for the workload's pages, robots.txt and assets left out. */
  readonly byPath: ReadonlyMap<string, number>;
  stop(): void;
}

/** Folds the site's request log into counts every second and clears it, so it stays small. */
export function countSiteRequests(site: TestSite, isPage: (path: string) => boolean): SiteRequests {
  const byPath = new Map<string, number>();
  const fold = () => {
    for (const entry of site.log.splice(0)) {
      if (isPage(entry.path)) byPath.set(entry.path, (byPath.get(entry.path) ?? 0) + 1);
    }
  };
  const timer = setInterval(fold, 1_000);
  return {
    byPath,
    stop() {
      clearInterval(timer);
      fold();
    },
  };
}
