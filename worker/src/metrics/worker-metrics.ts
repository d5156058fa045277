/**
 * @module worker/metrics/worker-metrics
 * The Prometheus metrics one worker process exposes (prom-client), defined in one place.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface WorkerMetrics {
  registry: Registry;
  jobsCompleted: Counter<'mode'>;
  jobsFailed: Counter<'mode' | 'reason'>;
  jobsRetried: Counter<'mode'>;
  jobDuration: Histogram<'mode' | 'outcome'>;
  throttleDeferrals: Counter<'domain' | 'reason'>;
  queueDepth: Gauge<'state'>;
  browserPagesOpen: Gauge;
  browserRestarts: Counter;
  redisCommands: Counter<'connection'>;
  callbackDeliveries: Counter<'outcome'>;
}

export function createWorkerMetrics(options: { defaultMetrics?: boolean } = {}): WorkerMetrics {
  const { defaultMetrics = true } = { ...options };
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'quarry_worker_' });
  const registers = [registry];
  return {
    registry,
    jobsCompleted: new Counter({ name: 'quarry_jobs_completed_total', help: 'Jobs completed', labelNames: ['mode'], registers }),
    jobsFailed: new Counter({ name: 'quarry_jobs_failed_total', help: 'Jobs failed for good', labelNames: ['mode', 'reason'], registers }),
    jobsRetried: new Counter({ name: 'quarry_jobs_retried_total', help: 'Attempts that failed and will be retried', labelNames: ['mode'], registers }),
    jobDuration: new Histogram({
      name: 'quarry_job_duration_seconds', help: 'Fetch + extract time per attempt', labelNames: ['mode', 'outcome'], registers,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    }),
    throttleDeferrals: new Counter({ name: 'quarry_throttle_deferrals_total', help: 'Jobs sent back to wait for their domain', labelNames: ['domain', 'reason'], registers }),
    queueDepth: new Gauge({ name: 'quarry_queue_jobs', help: 'Jobs in the queue by state (sampled)', labelNames: ['state'], registers }),
    browserPagesOpen: new Gauge({ name: 'quarry_browser_pages_open', help: 'Chromium pages open now', registers }),
    browserRestarts: new Counter({ name: 'quarry_browser_restarts_total', help: 'Chromium relaunches (crash, recycle)', registers }),
    redisCommands: new Counter({ name: 'quarry_redis_commands_total', help: 'Redis commands sent by this process', labelNames: ['connection'], registers }),
    callbackDeliveries: new Counter({ name: 'quarry_callback_deliveries_total', help: 'Result callback attempts', labelNames: ['outcome'], registers }),
  };
}
