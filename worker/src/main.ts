/**
 * @module worker/main
 * The worker process: load config (exit 1 naming the bad variable), run until SIGTERM/SIGINT,
 * close gracefully (exit 0), or exit 1 after a critical error. Redis outages are ridden out.
 */
import { ConfigError, loadConfig, type WorkerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import type { QuarryWorker } from './quarry-worker.ts';
import { redactRedisUrl } from './redis-connection.ts';

let config: WorkerConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`quarry-worker: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel });
let worker: QuarryWorker | undefined;
let stopping = false;

let firstSignal: NodeJS.Signals | undefined;
function onSignal(signal: NodeJS.Signals): void {
  // Ctrl-C reaches every process of the terminal and `npm start` then sends SIGTERM: only the
  // same signal twice (an impatient operator) skips the drain.
  if (stopping && signal === firstSignal) {
    logger.warn({ signal }, 'second signal: exiting without waiting for jobs');
    process.exit(1);
  }
  if (stopping) return;
  firstSignal = signal;
  stopping = true;
  logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
  // Before the worker is up (e.g. waiting for Redis) there is nothing to hand back.
  if (!worker) process.exit(0);
  void worker.close();
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

try {
  // Imported after the config check, so a bad variable is reported before ~1 s of module loading.
  const { startQuarryWorker } = await import('./quarry-worker.ts');
  worker = await startQuarryWorker(config, { logger });
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'worker failed to start');
  process.exit(1);
}
logger.info({
  broker: redactRedisUrl(config.redisUrl), results: redactRedisUrl(config.resultRedisUrl), prefix: config.prefix,
  concurrency: config.concurrency, browserPages: config.browserPages, healthPort: worker.healthPort,
}, 'worker started');

const critical = await worker.stopped;
// Lingering sockets (keep-alive, a stuck processor) must not keep a stopped worker alive.
process.exit(critical ? 1 : 0);
