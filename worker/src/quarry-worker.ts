/**
 * @module worker/quarry-worker
 * Assembles one worker (BullMQ Worker, fetcher, browser pool, result store, health endpoint) and
 * closes it with a deadline: jobs still running when it passes go back to waiting at once.
 */
import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Page } from 'puppeteer-core';
import type { Dispatcher } from 'undici';
import { QUEUE_NAME, assertClusterSafePrefix } from '../../shared/keys.ts';
import { createBrowserPool, type BrowserPool } from './browser/browser-pool.ts';
import { createPageRenderer } from './browser/page-renderer.ts';
import type { WorkerConfig } from './config.ts';
import { retryDecision, type CriticalError } from './errors/index.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { createHttpFetcher } from './http/http-fetcher.ts';
import { createLogger } from './logger.ts';
import { createProcessor, type JobSummary } from './processor.ts';
import { createJobPipeline } from './pipeline/job-pipeline.ts';
import { createOutputs } from './pipeline/outputs/index.ts';
import { closeRedis, createRedisConnection } from './redis-connection.ts';
import { createResultStore, type ResultStore } from './result-store.ts';
import { artifactDriverFromConfig, startArtifactSweeper, workerArtifacts } from './artifacts/index.ts';
import { batchExportSubjects, exportTargets, startExportQueue } from './exports/index.ts';
import { parseExportBuckets } from '../../shared/exports/export-target.ts';
import { createGuardHooks } from './guard-hooks.ts';
import { createCallbackSender } from './callbacks/callback-sender.ts';
import { startCallbackQueue } from './callbacks/callback-worker.ts';
import { startScheduleWorker, type ScheduleWorker } from './schedules/schedule-worker.ts';
import { createSnapshotStore } from './changes/snapshot-store.ts';
import { createWorkerEffects, type EffectData } from './effects/index.ts';
import { startFailedSweeper, type FailedSweeper } from './effects/failed-sweeper.ts';
import { createWorkerPoliteness } from './politeness/index.ts';
import { createWorkerProxies, type TransportOptions } from './proxies/index.ts';
import { createWorkerMetrics } from './metrics/worker-metrics.ts';
import { queueDepthReader } from './metrics/queue-depth.ts';
import { createHandBack } from './hand-back.ts';
import { createWorkerCrawls } from './crawls/index.ts';
import { crawlExportSubjects } from './crawls/crawl-export.ts';
import { settledWithin } from './abortable.ts';
import { containRejections } from './tasks/contain-rejections.ts';
import { createTaskMetrics } from './tasks/task-metrics.ts';
import { createTaskRateLimiter } from './tasks/task-rate-limit.ts';
import { EMPTY_REGISTRY, loadTasks, parseTaskModules, type TaskRegistry } from './tasks/task-registry.ts';
import { createTaskRunner, type TaskSummary } from './tasks/run-task.ts';

export interface QuarryWorkerOptions {
  /** Called before every HTTP hop; throw to refuse the URL (the SSRF guard plugs in here). */
  checkUrl?: (url: URL) => Promise<unknown>;
  /** Called for every browser request; false blocks it. */
  checkRequest?: (url: URL) => Promise<boolean>;
  /** undici dispatcher for HTTP mode (e.g. DNS pinning). */
  dispatcher?: Dispatcher;
  /** Extra Chromium flags (e.g. the guarded proxy's `guardedBrowserArgs`). */
  browserArgs?: string[];
  /** Runs on each fresh browser page before navigation (e.g. `installBrowserGuard`). */
  preparePage?: (page: Page) => Promise<void>;
  /** A logger at `config.logLevel` on stdout when omitted. */
  logger?: Logger;
  /** Start taking jobs at once. */
  autorun?: boolean;
  /** Passed to BullMQ's Worker last (tests shorten `stalledInterval` and the like). */
  workerOptions?: Partial<WorkerOptions>;
  /** After the hand-back signal, how long processors get to move their own jobs before the worker does. */
  handBackGraceMs?: number;
  /**
   * Build the SSRF guard from config (`QUARRY_ALLOW_PRIVATE_CIDRS`) for hooks not given above.
   * On by default; only tests of the fetcher itself turn it off.
   */
  ssrfGuard?: boolean;
  /** TLS settings of the proxy transports (tests trust a private CA; the system's by default). */
  proxyTransport?: TransportOptions;
  /** Tasks to run; loaded from `config.tasks` (QUARRY_TASKS) when omitted. */
  tasks?: TaskRegistry;
}

export interface CloseOptions {
  /** How long active jobs may run on; `config.shutdownTimeoutMs` when omitted. */
  timeoutMs?: number;
}

export interface CloseReport {
  /** Ids of jobs that were still running at the deadline and went back to waiting. */
  handedBack: string[];
}

export interface QuarryWorker {
  readonly worker: Worker<unknown, JobSummary | TaskSummary>;
  readonly resultStore: ResultStore;
  readonly browserPool: BrowserPool;
  /** Port of the health endpoint, when it runs. */
  readonly healthPort: number | undefined;
  /** Broker connected, taking jobs, not closing. */
  isReady(): boolean;
  activeJobIds(): string[];
  /** Settles once closed: with the `CriticalError` that stopped the worker, or undefined after `close()`. */
  readonly stopped: Promise<CriticalError | undefined>;
  close(options?: CloseOptions): Promise<CloseReport>;
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
export async function startQuarryWorker(config: WorkerConfig, options: QuarryWorkerOptions = {}): Promise<QuarryWorker> {
  const { autorun = true, workerOptions = {}, handBackGraceMs = 3_000, ssrfGuard = true } = { ...options };
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Before any connection: a task module that fails to load stops the worker with its message.
  const tasks = options.tasks ?? (config.tasks ? await loadTasks(parseTaskModules(config.tasks)) : EMPTY_REGISTRY);
  const guard = ssrfGuard ? await createGuardHooks({ allowPrivateCidrs: config.allowPrivateCidrs }) : undefined;
  const checkUrl = options.checkUrl ?? guard?.checkUrl;
  // The guard's page layer (its preparePage) checks every request a page makes; the renderer
  // checks too only with a hook of its own, or when a custom preparePage replaces that layer
  // (checking twice would resolve each request's host a second time).
  const checkRequest = options.checkRequest ?? (options.preparePage ? guard?.checkRequest : undefined);
  const dispatcher = options.dispatcher ?? guard?.dispatcher;
  const browserArgs = [...(guard?.browserArgs ?? []), ...(options.browserArgs ?? [])];
  const preparePage = options.preparePage ?? guard?.preparePage;
  const prefix = assertClusterSafePrefix(config.prefix);
  const metrics = createWorkerMetrics({ maxDomainLabels: config.metricsMaxDomains });
  const onCommand = (role: string) => metrics.countRedisCommand(role);
  const broker = createRedisConnection({ url: config.redisUrl, name: 'quarry-worker:broker', logger, role: 'broker', onCommand });
  const results = createRedisConnection({ url: config.resultRedisUrl, name: 'quarry-worker:results', logger, maxRetriesPerRequest: 3, lazyConnect: true, role: 'results', onCommand });
  // Read-only handle for quarry_queue_jobs; it shares the broker connection (no extra socket).
  // skipMetasUpdate: a plain `new Queue()` would rewrite the queue meta (opts.maxLenEvents) to BullMQ's defaults.
  const depthQueue = new Queue(QUEUE_NAME, { connection: broker, prefix, skipMetasUpdate: true });
  depthQueue.on('error', () => undefined); // the broker connection logs outages once
  metrics.observeQueue(queueDepthReader(depthQueue, { maxAgeMs: 5_000 }));
  const resultStore = createResultStore({ client: results, prefix, ttlSeconds: config.resultTtlSeconds });
  // Expired artifacts are deleted by every worker's sweeper (none without an artifact store).
  const artifacts = workerArtifacts(config, results);
  const artifactSweeper = artifacts && startArtifactSweeper({ store: artifacts.store, index: artifacts.index, intervalMs: config.artifactSweepIntervalMs, logger });
  const browserPool = createBrowserPool({
    executablePath: config.browserExecutablePath, maxPages: config.browserPages, userAgent: config.userAgent, extraArgs: browserArgs, logger,
    recyclePages: config.browserRecyclePages, maxRssMb: config.browserMaxRssMb,
    // Called only once jobs run, when `metrics` exists whatever its place in this function.
    onLaunch: (launches) => { if (launches > 1) metrics.browserRestarts.inc(); },
    onPagesOpen: (open) => metrics.browserPagesOpen.set(open),
    ...(guard ? { openSlotNetwork: guard.openSlotNetwork } : {}),
  });
  const fetcher = createHttpFetcher({ userAgent: config.userAgent, maxBodyBytes: config.maxBodyBytes, maxRedirects: config.maxRedirects, checkUrl, dispatcher });
  const renderer = createPageRenderer({
    pool: browserPool, maxRedirects: config.maxRedirects, maxBodyBytes: config.maxBodyBytes, preparePage, ...(checkRequest ? { checkRequest } : {}),
  });

  const callbacks = startCallbackQueue({
    connection: broker, prefix, attempts: config.callbackAttempts, backoffMs: config.callbackBackoffMs, logger,
    onDelivery: (outcome) => metrics.callbackDeliveries.inc({ outcome }),
    deliver: createCallbackSender({
      results, resultStore, prefix, userAgent: config.userAgent, ttlSeconds: config.resultTtlSeconds,
      secrets: config.callbackSecret.split(',').map((secret) => secret.trim()).filter(Boolean),
      tenantSecrets: config.callbackSecrets,
      ...(checkUrl ? { checkUrl: async (url: URL) => { await checkUrl(url); } } : {}),
      ...(dispatcher ? { dispatcher } : {}),
    }),
  });
  // Exports of finished batches and completed crawls (worker/src/exports/, worker/src/crawls/crawl-export.ts).
  const exports = startExportQueue({
    connection: broker, prefix, logger, maxBytes: config.exportMaxBytes, attempts: config.exportAttempts, sweepIntervalMs: config.exportSweepIntervalMs,
    subjects: {
      batch: batchExportSubjects({ broker, results, prefix, store: artifacts?.store ?? null }),
      crawl: crawlExportSubjects({ broker, results, prefix, store: artifacts?.store ?? null }),
    },
    targets: exportTargets({ driver: artifactDriverFromConfig(config), index: artifacts?.index ?? null, allowedBuckets: parseExportBuckets(config.exportBuckets), ttlSeconds: config.artifactTtlSeconds }),
  });
  const politeness = await createWorkerPoliteness(config, {
    broker, results, prefix, logger, ...(dispatcher ? { dispatcher } : {}), ...(checkUrl ? { checkUrl } : {}),
    onThrottled: (domain, reason) => metrics.throttleDeferred(domain, reason),
  });
  const crawls = createWorkerCrawls({
    broker, results, prefix, resultTtlSeconds: config.resultTtlSeconds, callbacks, fetcher, gate: politeness, userAgent: config.userAgent,
    ...(dispatcher ? { dispatcher } : {}), ...(checkUrl ? { checkUrl } : {}),
    onExportDue: (crawlId) => exports.enqueue({ kind: 'crawl', id: crawlId }),
  });
  const effects = createWorkerEffects({
    resultStore, broker, prefix, callbacks, artifacts, resultInlineMaxBytes: config.resultInlineMaxBytes, crawls,
    snapshots: createSnapshotStore(results, config.changeRetentionSeconds),
    onExportDue: (batchId) => exports.enqueue({ kind: 'batch', id: batchId }),
  });

  let sweeper: FailedSweeper | undefined;
  let schedules: ScheduleWorker | undefined;
  const handBack = new AbortController();
  const active = new Map<string, { job: Job; token: string | undefined }>();
  let closing: Promise<CloseReport> | undefined;
  let critical: CriticalError | undefined;
  let resolveStopped: (error: CriticalError | undefined) => void = () => undefined;
  const stopped = new Promise<CriticalError | undefined>((resolve) => (resolveStopped = resolve));

  const handBackJob = createHandBack(broker, prefix);
  const proxies = createWorkerProxies(config, { broker, prefix, logger, ...(options.proxyTransport ? { transportOptions: options.proxyTransport } : {}) });
  const pipeline = createJobPipeline({
    fetcher, renderer, effects, politeness, proxies, outputs: createOutputs({ maxResultBytes: config.maxResultBytes, formatMaxHtmlBytes: config.formatMaxHtmlBytes }),
  });
  const taskMetrics = createTaskMetrics(metrics.registry);
  const runTask = tasks.tasks.length === 0 ? undefined : createTaskRunner({
    registry: tasks, fetcher, pages: renderer, politeness, effects, resultStore, queue: depthQueue, broker, metrics: taskMetrics,
    maxResultBytes: config.maxResultBytes,
    rateLimiter: await createTaskRateLimiter({ broker, prefix, tasks: tasks.tasks, inProcessWaitMs: config.politenessWaitMs }),
  });
  // Task code is the operator's, but a promise it forgets must not take every other job down with the process.
  const uncontain = runTask ? containRejections(logger, () => taskMetrics.unhandledRejection()) : () => undefined;
  if (runTask) logger.info({ tasks: tasks.tasks.map((task) => task.name) }, 'tasks loaded');
  const processor = createProcessor({
    pipeline, logger, handBack: handBack.signal, handBackJob, otherJobs: crawls.jobs, ...(runTask ? { runTask } : {}),
    track: (job, token) => {
      active.set(job.id!, { job, token });
      return () => active.delete(job.id!);
    },
    onCritical: (error) => {
      if (critical) return;
      critical = error;
      logger.fatal({ reason: error.message }, 'critical error: the worker stops taking jobs');
      void close();
    },
  });

  const worker = new Worker<unknown, JobSummary | TaskSummary>(QUEUE_NAME, processor, {
    connection: broker,
    prefix,
    concurrency: config.concurrency,
    autorun,
    removeOnComplete: { count: config.keepCompleted, age: config.keepCompletedSeconds },
    removeOnFail: { count: config.keepFailed, age: config.keepFailedSeconds },
    stalledInterval: config.stalledIntervalMs,
    lockDuration: config.lockDurationMs,
    // A job whose worker died twice is still retried once more before it counts as failed.
    maxStalledCount: 2,
    // A finish that failed on a broker outage is retried after this. BullMQ's 15 s default outlives a
    // lock shorter than that, and the job then runs again although its result is stored (bench:soak).
    runRetryDelay: 1_000,
    ...workerOptions,
  });
  worker.on('error', (error) => {
    // During a broker outage every BullMQ connection reports each retry; the connection logs it once.
    if (broker.status === 'ready') logger.error({ err: error.message }, 'worker error');
  });
  worker.on('completed', (job) => {
    metrics.jobsCompleted.inc({ mode: job.name });
    if (job.processedOn && job.finishedOn) metrics.jobDuration.observe({ mode: job.name, outcome: 'completed' }, (job.finishedOn - job.processedOn) / 1000);
  });
  worker.on('failed', (job, error) => {
    if (!job || error.name === 'DelayedError' || error.name === 'WaitingError') return;
    if (!job.finishedOn) {
      metrics.jobsRetried.inc({ mode: job.name });
      return;
    }
    metrics.jobsFailed.inc({ mode: job.name, reason: error.name });
    if (retryDecision(error) === 'critical') return;
    logger.warn({ jobId: job.id, attemptsMade: job.attemptsMade, reason: error.message }, 'job failed for good');
    effects.failed({ jobId: job.id!, data: job.data as EffectData | undefined }, { reason: error.message, batchCounted: false }).catch((reason: unknown) => logger.error({ jobId: job.id, err: String(reason) }, 'could not record the failure'));
  });
  await worker.waitUntilReady();
  // Failures the listener above never sees (BullMQ's stalled-job check fails jobs inside its Lua;
  // a worker can die inside the listener) are counted by one sweeping worker of the fleet.
  if (!closing) sweeper = startFailedSweeper({ broker, prefix, effects, logger, intervalMs: config.failedSweepIntervalMs });
  // Schedules fire on any worker that runs (worker/src/schedules/).
  if (!closing) schedules = startScheduleWorker({ broker, prefix, logger, stalledIntervalMs: config.stalledIntervalMs, lockDurationMs: config.lockDurationMs, autorun });
  // The events stream's cap lives in the queue's meta hash, where BullMQ's add-job and finish scripts
  // (ours and the edge's) read it; one HSET at start keeps it at the configured value.
  await broker.hset(worker.keys.meta!, 'opts.maxLenEvents', config.maxEvents);

  const isReady = () => !closing && broker.status === 'ready' && worker.isRunning();
  const health: HealthServer | undefined = config.healthPort > 0
    ? await startHealthServer({ port: config.healthPort, host: config.healthHost, isReady, metrics: metrics.registry })
    : undefined;

  async function shutDown(timeoutMs: number): Promise<CloseReport> {
    logger.info({ active: active.size, timeoutMs }, 'worker closing');
    const workerClosed = worker.close(); // stops fetching at once, then waits for active jobs
    const schedulesClosed = schedules?.close();
    let handedBack: string[] = [];
    if (!(await settledWithin(workerClosed, timeoutMs))) {
      handedBack = [...active.keys()];
      logger.warn({ jobs: handedBack }, 'shutdown deadline passed; handing active jobs back');
      handBack.abort(); // each processor moves its own job to waiting (processor.ts)
      if (!(await settledWithin(workerClosed, handBackGraceMs))) {
        // A processor that ignores the signal (stuck in CPU work): move its job from outside.
        await Promise.all([...active.values()].map(({ job, token }) => handBackJob(job, token).catch(() => undefined)));
      }
    }
    await sweeper?.close();
    await schedulesClosed;
    await Promise.all([health?.close(), browserPool.close(), callbacks.close(), exports.close(), depthQueue.close(), artifactSweeper?.stop()]);
    await Promise.all([guard?.close(), proxies.close()]);
    uncontain();
    await Promise.all([closeRedis(results), closeRedis(broker)]);
    logger.info({ handedBack: handedBack.length }, 'worker closed');
    return { handedBack };
  }

  function close(closeOptions: CloseOptions = {}): Promise<CloseReport> {
    closing ??= shutDown(closeOptions.timeoutMs ?? config.shutdownTimeoutMs).finally(() => resolveStopped(critical));
    return closing;
  }

  return {
    worker, resultStore, browserPool, stopped, close, isReady,
    healthPort: health?.port,
    activeJobIds: () => [...active.keys()],
  };
}
