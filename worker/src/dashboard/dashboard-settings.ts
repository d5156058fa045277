/**
 * @module worker/dashboard/dashboard-settings
 * The dashboard's settings, taken from the worker configuration (same REDIS_URL and QUARRY_PREFIX),
 * and the refusal to run without a usable password.
 */
import type { WorkerConfig } from '../config.ts';

/** Shortest password accepted: the dashboard can show job payloads (URLs, headers) and, unless read-only, delete jobs. */
export const MIN_PASSWORD_LENGTH = 12;

export interface DashboardSettings {
  /** Broker Redis holding the queues. */
  redisUrl: string;
  /** Result store Redis (robots.txt copies); the broker when unset. */
  resultRedisUrl?: string;
  /** Queue key prefix, as the workers use it. */
  prefix: string;
  /** Listen port; 0 picks a free one. */
  port: number;
  /** Listen address. */
  host: string;
  /** HTTP Basic user name. */
  user: string;
  /** HTTP Basic password. */
  password: string;
  /** Show only: no job or queue actions. */
  readOnly: boolean;
}

/** The dashboard cannot run with this configuration; `variable` names the setting at fault. */
export class DashboardConfigError extends Error {
  override name = 'DashboardConfigError';
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.variable = variable;
  }
}

/** Throws `DashboardConfigError` unless `password` may protect the dashboard (also `npm start`'s check). */
export function assertDashboardPassword(password: string): void {
  if (password === '') {
    throw new DashboardConfigError('QUARRY_DASHBOARD_PASSWORD', 'must be set: the dashboard never runs without authentication');
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DashboardConfigError('QUARRY_DASHBOARD_PASSWORD', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export function dashboardSettings(config: WorkerConfig): DashboardSettings {
  assertDashboardPassword(config.dashboardPassword);
  return {
    redisUrl: config.redisUrl,
    resultRedisUrl: config.resultRedisUrl,
    prefix: config.prefix,
    port: config.dashboardPort,
    host: config.dashboardHost,
    user: config.dashboardUser,
    password: config.dashboardPassword,
    readOnly: config.dashboardReadOnly,
  };
}
