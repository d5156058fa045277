/**
 * @module worker/scaling/metrics-main
 * The scaling-signal service (one small process per fleet): KEDA's metrics-api scaler reads
 * `GET /keda/eligible-backlog`, Prometheus scrapes `GET /metrics`. Configured by the same
 * variables as the workers (REDIS_URL, QUARRY_PREFIX, QUARRY_CONCURRENCY, QUARRY_SCALER_PORT…).
 */
import { ConfigError, loadConfig, type WorkerConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createRedisConnection } from '../redis-connection.ts';
import { startScalerServer } from './scaler-server.ts';
import { eligibleBacklogMeter, scalingRule } from './scaling-signal.ts';

let config: WorkerConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`quarry-scaler: ${error.message}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, service: 'quarry-scaler' });
const redis = createRedisConnection({ url: config.redisUrl, name: 'quarry-scaler', logger });
const server = await startScalerServer({ measure: eligibleBacklogMeter(redis, config), rule: scalingRule(config), port: config.scalerPort, host: config.healthHost });
logger.info({ port: server.port }, 'scaling signal served at /keda/eligible-backlog and /metrics');

const stop = async () => {
  await server.close();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
