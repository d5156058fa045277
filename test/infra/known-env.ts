/**
 * @module test/infra/known-env
 * The environment variables the manifests may set: the worker's config table, which the
 * scaler-metrics service (worker/src/scaling/metrics-main.ts) and the dashboard
 * (worker/src/dashboard/dashboard-main.ts) load as well.
 */
import { CONFIG_TABLE } from '../../worker/src/config-table.ts';

/** Every variable the worker reads (worker/src/config-table.ts). */
export const WORKER_ENV: ReadonlySet<string> = new Set(Object.values(CONFIG_TABLE).map((field) => field.env));

/** The default of a worker variable as a string (undefined for derived defaults). */
export function workerDefault(env: string): string | undefined {
  const field = Object.values(CONFIG_TABLE).find((candidate) => candidate.env === env);
  return typeof field?.default === 'string' ? field.default : undefined;
}
