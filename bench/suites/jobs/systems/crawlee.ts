/**
 * @module bench/suites/jobs/systems/crawlee
 * Crawlee (bench/peers/crawlee/crawl-main.ts) as a job system: one process, in-memory request
 * queue, no broker. CheerioCrawler for HTTP pages; PuppeteerCrawler with Debian's Chromium for
 * the browser suite, with Crawlee's defaults or with assets blocked as Quarry does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArtifactServer, type ArtifactServer } from '../../../../dev/local/artifact-server.ts';
import { resultKey } from '../../../../shared/keys.ts';
import { spawnChild } from '../../../setup/child.ts';
import type { EnqueuedJob, JobSystem } from '../job-system.ts';
import { BENCH_PREFIX, readQuarryFields } from './result-format.ts';

export interface CrawleeSystemOptions {
  crawler: 'cheerio' | 'puppeteer';
  /** Fixed concurrency (min = max, so the autoscaler cannot drift). */
  concurrency: number;
  /** Block CSS, images, fonts and media (PuppeteerCrawler only). */
  blockAssets?: boolean;
  /**
   * What the handler produces besides the fields (the formats suites): `markdown` of the body with
   * the converter Quarry runs (mdream, same options); `screenshot` as Quarry takes it (PNG of the
   * viewport) PUT into a local artifact store as Quarry's artifacts effect does.
   */
  output?: 'markdown' | 'screenshot';
}

export function crawleeSystem(options: CrawleeSystemOptions): JobSystem {
  const prefix = `${BENCH_PREFIX}:result:`;
  const name = options.crawler === 'cheerio' ? 'CheerioCrawler' : 'PuppeteerCrawler';
  const variant = options.crawler === 'puppeteer' ? (options.blockAssets ? ', assets blocked' : ', defaults') : '';
  return {
    id: `crawlee-${options.crawler}${options.blockAssets ? '-blocking' : ''}${options.output ? `-${options.output}` : ''}`,
    label: `Crawlee ${name}${variant}${options.output ? ` + ${options.output}` : ''}, concurrency ${options.concurrency}`,
    broker: false,
    jobIdOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
    resultKeyOf: (id) => resultKey(BENCH_PREFIX, id),
    readFields: readQuarryFields,
    async start(env) {
      const scratch = mkdtempSync(join(tmpdir(), 'quarry-bench-crawlee-'));
      // The same in-harness store Quarry's screenshot row writes to (bench/suites/jobs/systems/quarry.ts).
      const store: ArtifactServer | undefined = options.output === 'screenshot' ? await startArtifactServer() : undefined;
      const s3 = store ? { endpoint: store.endpoint, bucket: store.bucket, region: store.region, accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey } : undefined;
      const child = spawnChild(process.execPath, [join(env.root, 'bench/peers/crawlee/crawl-main.ts')], {
        env: {
          ...process.env, BENCH_CRAWLER: options.crawler, BENCH_RESULTS_URL: env.resultsUrl, BENCH_PREFIX,
          BENCH_CONCURRENCY: String(options.concurrency), BENCH_CHROMIUM: env.chromium ?? '', BENCH_BLOCK_ASSETS: options.blockAssets ? '1' : '0',
          CRAWLEE_STORAGE_DIR: join(scratch, 'storage'), BENCH_OUTPUT: options.output ?? '', BENCH_S3: s3 ? JSON.stringify(s3) : '',
        },
      });
      if (env.verbose) child.process.stderr?.pipe(process.stderr);
      const stop = async () => {
        await child.stop(10_000);
        await store?.close();
        rmSync(scratch, { recursive: true, force: true });
      };
      try {
        await child.waitForLine(/^ready$/m, 60_000);
      } catch (error) {
        await stop();
        throw error;
      }
      return {
        roots: () => [child.pid],
        async enqueue(urls) {
          const file = join(scratch, 'urls.txt');
          writeFileSync(file, urls.join('\n') + '\n');
          child.process.stdin!.write(`${file}\n`);
          const at = Number((await child.waitForLine(/^enqueued ([\d.]+)$/m, 30_000))[1]);
          return new Map<string, EnqueuedJob>(urls.map((url, i) => [`c${i}`, { url, at }]));
        },
        diagnose: async () => `crawlee output: ${child.output().slice(-500)}`,
        stop,
      };
    },
  };
}
