/**
 * @module worker/metrics/worker-metrics
 * The Prometheus metrics one worker process exposes (prom-client), defined in one place.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QUEUE_DEPTH_STATES, type QueueDepth } from './queue-depth.ts';

export interface WorkerMetrics {
  registry: Registry;
  jobsCompleted: Counter<'mode'>;
  jobsFailed: Counter<'mode' | 'reason'>;
  jobsRetried: Counter<'mode'>;
  jobDuration: Histogram<'mode' | 'outcome'>;
  /** Write through `throttleDeferred`, which bounds the `domain` label. */
  throttleDeferrals: Counter<'domain' | 'reason'>;
  queueDepth: Gauge<'state'>;
  browserPagesOpen: Gauge;
  browserRestarts: Counter;
  redisCommands: Counter<'connection'>;
  callbackDeliveries: Counter<'outcome'>;
  /** Where `quarry_queue_jobs` reads the queue at scrape time (see queue-depth.ts); unset = not reported. */
  observeQueue(read: () => Promise<QueueDepth>): void;
  /** Counts one Redis command of a connection role (`broker`, `blocking`, `results`). */
  countRedisCommand(role: string): void;
  /** Counts a job sent back to wait for `domain` (label bounded: see `maxDomainLabels`). */
  throttleDeferred(domain: string, reason: string): void;
}

/** The `domain` label of every domain past the first `maxDomainLabels`. */
export const OTHER_DOMAIN_LABEL = '_other';

export interface WorkerMetricsOptions {
  /** Node process metrics (`quarry_worker_process_*`, `quarry_worker_nodejs_*`). */
  defaultMetrics?: boolean;
  /**
   * Domains labelled by name on `quarry_throttle_deferrals_total`, first come first labelled;
   * the rest share `domain="_other"`. Each label value is a series Prometheus keeps for good,
   * and a worker meets an unbounded number of domains. Default 100.
   */
  maxDomainLabels?: number;
}

export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const { defaultMetrics = true, maxDomainLabels = 100 } = { ...options };
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'quarry_worker_' });
  const registers = [registry];
  let readQueue: (() => Promise<QueueDepth>) | undefined;
  const redisCommands = new Counter({ name: 'quarry_redis_commands_total', help: 'Redis commands sent by this process', labelNames: ['connection'], registers });
  // One child per role: the label lookup is paid once, not on every command.
  const roleCounters = new Map<string, { inc(): void }>();
  const throttleDeferrals = new Counter({ name: 'quarry_throttle_deferrals_total', help: 'Jobs sent back to wait for their domain', labelNames: ['domain', 'reason'], registers });
  const labelledDomains = new Set<string>();
  return {
    registry,
    jobsCompleted: new Counter({ name: 'quarry_jobs_completed_total', help: 'Jobs completed', labelNames: ['mode'], registers }),
    jobsFailed: new Counter({ name: 'quarry_jobs_failed_total', help: 'Jobs failed for good', labelNames: ['mode', 'reason'], registers }),
    jobsRetried: new Counter({ name: 'quarry_jobs_retried_total', help: 'Attempts that failed and will be retried', labelNames: ['mode'], registers }),
    jobDuration: new Histogram({
      name: 'quarry_job_duration_seconds', help: 'Fetch + extract time per attempt', labelNames: ['mode', 'outcome'], registers,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    }),
    throttleDeferrals,
    queueDepth: new Gauge({
      name: 'quarry_queue_jobs', help: 'Jobs in the scrape queue by state, read at scrape time (cached for a few seconds)', labelNames: ['state'], registers,
      async collect() {
        if (!readQueue) return;
        try {
          const depth = await readQueue();
          for (const state of QUEUE_DEPTH_STATES) this.set({ state }, depth[state]);
        } catch {
          // Broker unreachable: no series rather than stale ones, and the rest of /metrics still answers.
          this.reset();
        }
      },
    }),
    browserPagesOpen: new Gauge({ name: 'quarry_browser_pages_open', help: 'Chromium pages open now', registers }),
    browserRestarts: new Counter({ name: 'quarry_browser_restarts_total', help: 'Chromium relaunches (crash, recycle)', registers }),
    redisCommands,
    callbackDeliveries: new Counter({ name: 'quarry_callback_deliveries_total', help: 'Result callback attempts', labelNames: ['outcome'], registers }),
    observeQueue(read) {
      readQueue = read;
    },
    countRedisCommand(role) {
      let counter = roleCounters.get(role);
      if (!counter) roleCounters.set(role, (counter = redisCommands.labels({ connection: role })));
      counter.inc();
    },
    throttleDeferred(domain, reason) {
      if (!labelledDomains.has(domain) && labelledDomains.size < maxDomainLabels) labelledDomains.add(domain);
      throttleDeferrals.inc({ domain: labelledDomains.has(domain) ? domain : OTHER_DOMAIN_LABEL, reason });
    },
  };
}
