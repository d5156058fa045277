/**
 * @module bench/soak/run
 * `npm run bench:soak`: a long mixed http/browser run on real processes under faults (workers
 * SIGKILLed and replaced every K seconds, one broker redis-server restart), then the books:
 * nothing lost, nothing done twice, broker memory bounded, worker memory flat. Not part of CI.
 */
import { Command, InvalidArgumentError } from 'commander';
import { Queue } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { QUEUE_NAME, queueKeys, resultKey } from '../../shared/keys.ts';
import { startTestSite } from '../../test/support/test-site.ts';
import { createCleanup } from '../core/cleanup.ts';
import { diffRedisCounters, readRedisCounters } from '../measure/redis-counters.ts';
import { benchRedis } from '../setup/redis-client.ts';
import { ensureBenchPackages } from '../setup/system-packages.ts';
import { SITE_HOSTS } from '../setup/test-site-process.ts';
import { UNTHROTTLED_ENV } from '../suites/jobs/systems/quarry.ts';
import { startChaos } from './chaos.ts';
import { countResultWrites, countSiteRequests } from './effect-counters.ts';
import { brokerSnapshot, medianKeyBytes, usedMemory } from './memory-probe.ts';
import { startRssSampler } from './rss-sampler.ts';
import { renderReport, writeReport, type Phase, type SoakReport } from './soak-report.ts';
import { settle } from './soak-outcome.ts';
import { buildWorkload, enqueueAll } from './soak-workload.ts';
import { watchStalls } from './stall-watch.ts';
import { startWorkerFleet } from './worker-fleet.ts';
import { drain, verifySample } from './drain.ts';

const number = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
  return n;
};
const opts = new Command('npm run bench:soak --')
  .description('Soak: many mixed jobs through real workers under SIGKILLs and a broker restart; checks nothing is lost or duplicated and memory stays bounded.')
  .option('--jobs <n>', 'jobs to enqueue (default 20000; 2000 with --quick)', number(1, 1_000_000))
  .option('--browser-share <f>', 'share of browser jobs (/js/:n), 0–1', number(0, 1), 0.05)
  .option('--kill-every-s <s>', 'SIGKILL one worker (in turn) and start a replacement every s seconds; 0 = never', number(0, 3600), 20)
  .option('--no-redis-restart', 'skip the mid-run broker redis-server restart')
  .option('--workers <n>', 'worker processes at once', number(1, 16), 2)
  .option('--concurrency <n>', 'QUARRY_CONCURRENCY per worker', number(1, 1000), 10)
  .option('--max-events <n>', 'QUARRY_MAX_EVENTS (events stream cap)', number(100, 1_000_000), 10_000)
  .option('--keep-completed-s <s>', 'completed jobs kept by age (job option, as the edge sets it), to show age retention at the end', number(1, 3600), 20)
  .option('--stall-timeout-s <s>', 'give up when nothing progresses this long', number(10, 3600), 180)
  .option('--quick', '2,000 jobs (for development)', false)
  .option('--verbose', "forward the workers' output to stderr", false)
  .option('--results-dir <dir>', 'where the JSON (and, for full runs, soak-latest.md) go', fileURLToPath(new URL('../results', import.meta.url)))
  .parse()
  .opts<{ jobs?: number; browserShare: number; killEveryS: number; redisRestart: boolean; workers: number; concurrency: number; maxEvents: number; keepCompletedS: number; stallTimeoutS: number; quick: boolean; verbose: boolean; resultsDir: string }>();
const jobCount = opts.jobs ?? (opts.quick ? 2_000 : 20_000);
const PREFIX = '{soak}';
const root = fileURLToPath(new URL('../..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const cleanup = createCleanup(log);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup.runAll().finally(() => process.exit(130)));
}

const startedAt = new Date();
let exitCode = 1;
try {
  const { chromium } = ensureBenchPackages({ chromium: opts.browserShare > 0 }, log);
  const site = await startTestSite({ hosts: SITE_HOSTS });
  cleanup.add('test site', () => site.close());
  const broker = await startRedisServer({ appendOnly: true, maxmemoryPolicy: 'noeviction' });
  cleanup.add('broker redis', () => broker.dispose());
  const results = await startRedisServer({ appendOnly: false, maxmemoryPolicy: 'allkeys-lru' });
  cleanup.add('results redis', () => results.dispose());
  const brokerAdmin = benchRedis(broker.url, { maxRetriesPerRequest: null });
  const resultsAdmin = benchRedis(results.url);
  cleanup.add('admin clients', () => void (brokerAdmin.disconnect(), resultsAdmin.disconnect()));
  const writes = await countResultWrites(results.url, PREFIX);
  cleanup.add('result-write counter', () => writes.close());
  const stalls = await watchStalls(broker.url, PREFIX);
  cleanup.add('stall watch', () => stalls.close());
  const siteRequests = countSiteRequests(site, (path) => /^\/(page|js)\/\d+$/.test(path));
  cleanup.add('site request counter', () => siteRequests.stop());
  const queue = new Queue(QUEUE_NAME, { connection: benchRedis(broker.url, { maxRetriesPerRequest: null }), prefix: PREFIX, streams: { events: { maxLen: opts.maxEvents } } });
  queue.on('error', () => undefined); // the restart drops connections on purpose; calls that matter retry
  cleanup.add('queue', () => queue.close());
  const keys = queueKeys(PREFIX);
  await waitFor(() => brokerAdmin.hget(keys.key('meta'), 'opts.maxLenEvents'), { description: 'the queue meta' });

  const phases: Phase[] = [];
  const phase = async (name: string) => {
    const snapshot = { name, broker: await brokerSnapshot(brokerAdmin, PREFIX), resultsUsedMemory: await usedMemory(resultsAdmin), resultKeys: await resultsAdmin.dbsize() };
    phases.push(snapshot);
    log(`  ${name}: broker ${(snapshot.broker.usedMemory / 2 ** 20).toFixed(1)} MB, ${snapshot.broker.jobHashes} job hashes, events ${snapshot.broker.eventsLength}; results ${(snapshot.resultsUsedMemory / 2 ** 20).toFixed(1)} MB`);
    return snapshot;
  };
  const empty = await phase('empty (queue created)');

  log(`▶ enqueueing ${jobCount} jobs (${Math.round(opts.browserShare * 100)} % browser) with Queue.addBulk, as the edge stores them`);
  const jobs = buildWorkload({ count: jobCount, browserShare: opts.browserShare, hosts: SITE_HOSTS, origin: site.origin, keepCompletedSeconds: opts.keepCompletedS });
  const accepted = await enqueueAll(queue, jobs);
  const queued = await phase(`queued (${jobCount} jobs)`);
  const sampleIds = (kind: string) => jobs.filter((job) => job.kind === kind).slice(0, 20).map((job) => job.id);
  const jobHashBytes = { page: await medianKeyBytes(brokerAdmin, sampleIds('page').map(keys.job)), js: await medianKeyBytes(brokerAdmin, sampleIds('js').map(keys.job)) };

  // Workers take jobs before /readyz answers: the result store's counters start before them.
  const resultCallsBefore = await readRedisCounters(resultsAdmin);
  log(`▶ starting ${opts.workers} workers; a SIGKILL every ${opts.killEveryS} s${opts.redisRestart ? ', one broker restart at 40 %' : ''}`);
  const fleet = await startWorkerFleet({
    root, size: opts.workers, verbose: opts.verbose,
    env: {
      REDIS_URL: broker.url, RESULT_REDIS_URL: results.url, QUARRY_PREFIX: PREFIX,
      QUARRY_CONCURRENCY: String(opts.concurrency), QUARRY_BROWSER_PAGES: '4', QUARRY_MAX_EVENTS: String(opts.maxEvents),
      QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', QUARRY_SHUTDOWN_TIMEOUT_MS: '3000', LOG_LEVEL: opts.verbose ? 'info' : 'warn',
      // A killed worker's jobs come back after the lock expires: 10 s instead of 30 s keeps the soak short,
      // yet stays far above the lock renewals' lag on 2 busy cores (a lost lock would mean a double run).
      QUARRY_LOCK_DURATION_MS: '10000', QUARRY_STALLED_INTERVAL_MS: '5000',
      ...(chromium ? { PUPPETEER_EXECUTABLE_PATH: chromium } : {}),
      ...UNTHROTTLED_ENV,
    },
  });
  cleanup.add('workers', () => fleet.stop(5_000));
  await fleet.ready();
  const workersStarted = Date.now();
  const rss = startRssSampler(() => fleet.live(), 5_000);
  const chaos = startChaos({
    fleet, killEverySeconds: opts.killEveryS, log, progress: () => writes.writes.size / jobCount,
    ...(opts.redisRestart ? { broker } : {}),
  });
  await drain({ queue, done: () => writes.writes.size, total: jobCount, stallTimeoutMs: opts.stallTimeoutS * 1000, log });
  const drainSeconds = (Date.now() - workersStarted) / 1000;
  await chaos.stop();
  const drained = await phase('after drain');

  // Age retention runs when a job finishes: one probe job after the age has passed clears the rest.
  log(`▶ waiting ${opts.keepCompletedS} s for completed jobs to age out, then one probe job`);
  await new Promise((resolve) => setTimeout(resolve, opts.keepCompletedS * 1000 + 1000));
  const [probe] = buildWorkload({ count: 1, browserShare: 0, hosts: SITE_HOSTS, origin: site.origin, keepCompletedSeconds: opts.keepCompletedS, offset: jobCount });
  await enqueueAll(queue, [probe!]);
  await waitFor(() => writes.writes.has(probe!.id), { timeoutMs: 60_000, description: 'the probe job' });
  await waitFor(async () => (await queue.getJobState(probe!.id)) === 'completed', { timeoutMs: 30_000, description: 'the probe job to finish' });
  await phase('after retention (probe job)');
  const resultDelta = diffRedisCounters(resultCallsBefore, await readRedisCounters(resultsAdmin));

  const workerRss = rss.stop();
  await fleet.stop(5_000);
  siteRequests.stop();
  const outcome = await settle(queue, jobs, writes, siteRequests, stalls, chaos.events);
  const resultSample = (kind: string) => sampleIds(kind).map((id) => resultKey(PREFIX, id));
  const report: SoakReport = {
    startedAt: startedAt.toISOString(), durationSeconds: (Date.now() - startedAt.getTime()) / 1000, drainSeconds,
    options: { jobs: jobCount, browserShare: opts.browserShare, killEveryS: opts.killEveryS, redisRestart: opts.redisRestart, workers: opts.workers, concurrency: opts.concurrency, maxEvents: opts.maxEvents, keepCompletedS: opts.keepCompletedS, quick: opts.quick },
    outcome: {
      accepted: accepted.length, completed: outcome.completed, failed: outcome.failed, lost: outcome.lost, duplicated: outcome.duplicated, refetched: outcome.refetched, stalled: outcome.stalled,
      killedAfterStore: outcome.killedAfterStore, inFailedSet: outcome.inFailedSet,
      resultWrites: writes.total(), resultSetCalls: resultDelta.byCommand.set ?? 0,
    },
    perJob: {
      queuedBytesByUsedMemory: (queued.broker.usedMemory - empty.broker.usedMemory) / jobCount, jobHashBytes,
      resultBytesByUsedMemory: (drained.resultsUsedMemory - empty.resultsUsedMemory) / Math.max(1, outcome.completed),
      resultKeyBytes: { page: await medianKeyBytes(resultsAdmin, resultSample('page')), js: await medianKeyBytes(resultsAdmin, resultSample('js')) },
    },
    phases,
    workers: workerRss.map((w) => {
      const member = fleet.members.find((m) => m.name === w.name)!;
      return { ...w, killed: member.killed, lifetimeSeconds: ((member.endedAt ?? Date.now()) - member.startedAt) / 1000 };
    }),
    chaos: [...chaos.events],
    findings: [...outcome.findings, ...(await verifySample(resultsAdmin, PREFIX, jobs))],
  };
  process.stdout.write(renderReport(report, false));
  const paths = writeReport(opts.resultsDir, report, opts.quick ? undefined : 'soak-latest.md');
  log(`\nResults: ${paths.json}${paths.markdown ? `\n         ${paths.markdown}` : ''}`);
  exitCode = outcome.lost > 0 || outcome.duplicated > 0 ? 1 : 0;
  if (exitCode) log(`✖ ${outcome.lost} lost, ${outcome.duplicated} duplicated: see Findings`);
} catch (error) {
  log(`✖ soak failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanup.runAll();
}
process.exit(exitCode);
