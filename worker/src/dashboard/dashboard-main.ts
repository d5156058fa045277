/**
 * @module worker/dashboard/dashboard-main
 * The dashboard process: loads the worker configuration plus the QUARRY_DASHBOARD_* settings,
 * exits 1 naming the variable at fault (a missing password included), serves until SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig, type WorkerConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { redactRedisUrl } from '../redis-connection.ts';
import { DashboardConfigError, dashboardSettings, type DashboardSettings } from './dashboard-settings.ts';

let config: WorkerConfig;
let settings: DashboardSettings;
try {
  config = loadConfig();
  settings = dashboardSettings(config);
} catch (error) {
  if (!(error instanceof ConfigError) && !(error instanceof DashboardConfigError)) throw error;
  process.stderr.write(`quarry-dashboard: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel, service: 'quarry-dashboard' });
// Imported after the checks, so a bad variable is reported before bull-board and BullMQ load.
const { startDashboard } = await import('./dashboard-server.ts');
const dashboard = await startDashboard(settings, { logger });
logger.info({ url: dashboard.url, broker: redactRedisUrl(settings.redisUrl), prefix: settings.prefix, readOnly: settings.readOnly }, 'dashboard started');

const stop = async () => {
  await dashboard.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
