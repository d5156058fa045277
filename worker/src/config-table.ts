/**
 * @module worker/config-table
 * The one table of worker settings: environment variable, default, validation and description.
 * `loadConfig()` reads it and `renderConfigTable()` documents it, so the two cannot drift.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { assertClusterSafePrefix, DEFAULT_PREFIX } from '../../shared/keys.ts';
import { TENANT_NAME } from '../../shared/tenant.ts';
import { PROXY_CONFIG_FIELDS } from './proxies/proxy-config-fields.ts';

/** Raw environment, as `process.env`. */
export type Env = Record<string, string | undefined>;

export interface ConfigField<S extends z.ZodType = z.ZodType> {
  /** Environment variable that sets it. */
  env: string;
  /** Value used when the variable is unset or empty; a function for defaults derived from other variables. */
  default?: string | ((env: Env) => string | undefined);
  /** How the default reads in the docs, when it is not a plain value. */
  defaultDoc?: string;
  /** Parses the string from the environment into the typed value. */
  schema: S;
  /** One-line description for the README. */
  doc: string;
}

const field = <S extends z.ZodType>(definition: ConfigField<S>): ConfigField<S> => definition;

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Chromium binaries tried in order when PUPPETEER_EXECUTABLE_PATH is unset (Debian's layout). */
export const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium'];

const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');

function int(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
}

const prefix = z.string().superRefine((value, ctx) => {
  try {
    assertClusterSafePrefix(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const CONFIG_TABLE = {
  redisUrl: field({
    env: 'REDIS_URL', default: DEFAULT_REDIS_URL, schema: redisUrl,
    doc: 'Broker Redis holding the BullMQ queue.',
  }),
  resultRedisUrl: field({
    env: 'RESULT_REDIS_URL', default: (env) => env.REDIS_URL || DEFAULT_REDIS_URL, defaultDoc: 'REDIS_URL', schema: redisUrl,
    doc: 'Result store Redis (a separate instance in production: evictable, unlike the broker).',
  }),
  prefix: field({
    env: 'QUARRY_PREFIX', default: DEFAULT_PREFIX, schema: prefix,
    doc: 'Key prefix of the queue and results; must contain a `{hash tag}` for Redis Cluster.',
  }),
  concurrency: field({
    env: 'QUARRY_CONCURRENCY', default: '10', schema: int(1, 1000),
    doc: 'Jobs processed at once by one worker process.',
  }),
  browserPages: field({
    env: 'QUARRY_BROWSER_PAGES', default: '4', schema: int(1, 64),
    doc: 'Browser pages open at once per process; further browser jobs wait for a free page, and take their domain\'s politeness slot (and start their timeout) only once they have one.',
  }),
  browserRecyclePages: field({
    env: 'QUARRY_BROWSER_RECYCLE_PAGES', default: '500', schema: int(0, 10_000_000),
    doc: 'Jobs one Chromium serves before the worker starts a fresh one (jobs running on the old one finish first); 0 = never.',
  }),
  browserMaxRssMb: field({
    env: 'QUARRY_BROWSER_MAX_RSS_MB', default: '1024', schema: int(0, 1_048_576),
    doc: 'Chromium is recycled the same way once its process tree\'s resident memory (summed PSS, VmRSS where PSS is unreadable) passes this many MiB; 0 = no ceiling.',
  }),
  resultTtlSeconds: field({
    env: 'QUARRY_RESULT_TTL_SECONDS', default: String(7 * 24 * 3600), schema: int(1, 365 * 24 * 3600),
    doc: 'How long a stored result lives, in seconds.',
  }),
  changeRetentionSeconds: field({
    env: 'QUARRY_CHANGE_RETENTION_SECONDS', default: String(30 * 24 * 3600), schema: int(60, 3 * 365 * 24 * 3600),
    doc: 'How long a change-tracking snapshot (the last scrape of a tenant\'s URL and tag) is kept after that scrape, in seconds: a URL scraped again later than this is `new` again.',
  }),
  artifactDriver: field({
    env: 'QUARRY_ARTIFACT_DRIVER', default: 'none', schema: z.enum(['none', 'local', 's3'], { error: 'must be none, local or s3' }),
    doc: 'Where screenshots, PDFs and oversized results go: `s3` (Cloudflare R2, AWS S3, MinIO), `local` (the S3-compatible server `npm start` runs on 127.0.0.1), or `none` (jobs that need the store fail, saying so).',
  }),
  artifactEndpoint: field({
    env: 'QUARRY_ARTIFACT_ENDPOINT', default: '', schema: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })]),
    doc: 'S3 endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`; objects are addressed path-style (`<endpoint>/<bucket>/<key>`).',
  }),
  artifactBucket: field({
    env: 'QUARRY_ARTIFACT_BUCKET', default: 'quarry-artifacts', schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/, 'must be an S3 bucket name'),
    doc: 'Bucket of the artifact store (private: clients read through signed URLs).',
  }),
  artifactRegion: field({
    env: 'QUARRY_ARTIFACT_REGION', default: 'auto', schema: z.string().min(1),
    doc: 'SigV4 region (`auto` for R2).',
  }),
  artifactAccessKeyId: field({
    env: 'QUARRY_ARTIFACT_ACCESS_KEY_ID', default: '', schema: z.string(),
    doc: 'Access key id of the artifact store (needs put, get, head and delete on the bucket).',
  }),
  artifactSecretAccessKey: field({
    env: 'QUARRY_ARTIFACT_SECRET_ACCESS_KEY', default: '', schema: z.string(),
    doc: 'Secret of that key.',
  }),
  artifactTtlSeconds: field({
    env: 'QUARRY_ARTIFACT_TTL_SECONDS', default: (env) => env.QUARRY_RESULT_TTL_SECONDS || String(7 * 24 * 3600), defaultDoc: 'QUARRY_RESULT_TTL_SECONDS', schema: int(1, 365 * 24 * 3600),
    doc: 'How long an artifact lives: reads refuse it after that and the sweeper deletes it (by default exactly as long as its result).',
  }),
  artifactMaxBytes: field({
    env: 'QUARRY_ARTIFACT_MAX_BYTES', default: String(20 * 1024 * 1024), schema: int(1024, 5 * 1024 * 1024 * 1024),
    doc: 'Largest artifact (a screenshot, a PDF, a result) the store accepts; larger fails the job.',
  }),
  resultInlineMaxBytes: field({
    env: 'QUARRY_RESULT_INLINE_MAX_BYTES', default: String(128 * 1024), schema: int(1024, 512 * 1024 * 1024),
    doc: 'A result whose JSON is larger goes to the artifact store as `result.json` and the result store keeps a stub that points to it.',
  }),
  artifactSweepIntervalMs: field({
    env: 'QUARRY_ARTIFACT_SWEEP_INTERVAL_MS', default: '60000', schema: int(1000, 86_400_000),
    doc: 'How often each worker deletes expired artifacts (keys scored by expiry in the result store; one command per sweep when none are due).',
  }),
  exportBuckets: field({
    env: 'QUARRY_EXPORT_BUCKETS', default: '', schema: z.string().regex(/^[a-z0-9.,\s-]*$/, 'must be comma-separated S3 bucket names'),
    doc: 'Buckets a batch\'s `export.url` (`s3://<bucket>/<path>`) may name, comma-separated, written with the artifact store\'s key pair at `<tenant tag>/<path>`; empty = exports go to the artifact store only. Must match the edge\'s variable of the same name.',
  }),
  exportMaxBytes: field({
    env: 'QUARRY_EXPORT_MAX_BYTES', default: String(2 * 1024 * 1024 * 1024), schema: int(1024, 5 * 1024 ** 4),
    doc: 'Largest export file; a larger one is aborted and the export fails (the download route has no cap).',
  }),
  exportAttempts: field({
    env: 'QUARRY_EXPORT_ATTEMPTS', default: '5', schema: int(1, 50),
    doc: 'Attempts of an export job (exponential backoff from 5 s) before the export is `failed`.',
  }),
  exportSweepIntervalMs: field({
    env: 'QUARRY_EXPORT_SWEEP_INTERVAL_MS', default: '60000', schema: int(1000, 86_400_000),
    doc: 'How often each worker enqueues exports that became due without a worker seeing it (a batch finished by a cancellation or the failed-job sweeper); one command per sweep.',
  }),
  userAgent: field({
    env: 'QUARRY_USER_AGENT', default: 'QuarryBot/0.1', schema: z.string().max(512, 'must be at most 512 characters'),
    doc: 'User-Agent header of HTTP fetches and browser pages.',
  }),
  maxBodyBytes: field({
    env: 'QUARRY_MAX_BODY_BYTES', default: String(5 * 1024 * 1024), schema: int(1024, 1024 * 1024 * 1024),
    doc: 'Largest response body (after decompression) an HTTP fetch reads; larger fails the job.',
  }),
  maxResultBytes: field({
    env: 'QUARRY_MAX_RESULT_BYTES', default: String(1024 * 1024), schema: int(1024, 512 * 1024 * 1024),
    doc: 'Largest extraction result (title and extracted values, as JSON); extraction stops past it and the job fails without a retry.',
  }),
  maxRedirects: field({
    env: 'QUARRY_MAX_REDIRECTS', default: '5', schema: int(0, 50),
    doc: 'Redirects followed per fetch; one more fails the job.',
  }),
  formatMaxHtmlBytes: field({
    env: 'QUARRY_FORMAT_MAX_HTML_BYTES', default: String(10 * 1024 * 1024), schema: int(1024, 1024 * 1024 * 1024),
    doc: 'Largest HTML (UTF-8 bytes; browser mode: the rendered DOM) the `markdown`, `html`, `links` and `metadata` formats convert; larger fails the job. Pages over 128 K characters are converted in slices that give the event loop a turn every 20 ms.',
  }),
  browserExecutablePath: field({
    env: 'PUPPETEER_EXECUTABLE_PATH',
    default: () => CHROMIUM_CANDIDATES.find((path) => existsSync(path)),
    defaultDoc: CHROMIUM_CANDIDATES.join(', then '),
    schema: z.string().refine((path) => existsSync(path), 'no such file').optional(),
    doc: 'Chromium binary for browser jobs; `headless: shell` is used for chromium-headless-shell.',
  }),
  shutdownTimeoutMs: field({
    env: 'QUARRY_SHUTDOWN_TIMEOUT_MS', default: '25000', schema: int(0, 600_000),
    doc: 'On SIGTERM, how long active jobs may finish before they are handed back to waiting.',
  }),
  allowPrivateCidrs: field({
    env: 'QUARRY_ALLOW_PRIVATE_CIDRS', default: '', schema: z.string(),
    doc: 'Comma-separated CIDRs the SSRF guard lets through although private/loopback (tests, private deployments); empty = none.',
  }),
  domainRates: field({
    env: 'QUARRY_DOMAIN_RATES', default: '5/1000',
    schema: z.string().regex(/^(none|\s*\d+\/\d+\s*(,\s*\d+\/\d+\s*)*)$/, 'must be like "5/1000,100/60000" (max/perMs pairs) or "none"').transform((v) => (v === 'none' ? '' : v)),
    doc: 'Default per-domain rate windows for the whole fleet, `max/perMs` pairs, all enforced (e.g. `5/1000,100/60000`); `none` = no rate limit.',
  }),
  domainConcurrency: field({
    env: 'QUARRY_DOMAIN_CONCURRENCY', default: '4', schema: int(0, 1000),
    doc: 'Default requests in flight per domain across the fleet; 0 = no cap.',
  }),
  domainOverrides: field({
    env: 'QUARRY_DOMAIN_OVERRIDES', default: '{}',
    schema: z.string().transform((text, ctx) => {
      try { return JSON.parse(text) as Record<string, unknown>; } catch { ctx.addIssue({ code: 'custom', message: 'must be JSON like {"example.com":{"rates":[{"max":1,"perMs":1000}],"concurrency":1}}' }); return z.NEVER; }
    }),
    doc: 'Per-domain limits applied at start when the domain has none yet (`PUT /v1/domains/:host/limits` wins afterwards).',
  }),
  respectRobots: field({
    env: 'QUARRY_RESPECT_ROBOTS', default: 'true', schema: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
    doc: 'Obey robots.txt (fetched once per origin per day for the fleet); `Crawl-delay` tightens the domain\'s rate.',
  }),
  robotsUnreachableMaxMs: field({
    env: 'QUARRY_ROBOTS_UNREACHABLE_MAX_MS', default: '86400000', schema: int(0, 30 * 86_400_000),
    doc: 'While an origin\'s robots.txt is unreachable (5xx, 429, timeout) its jobs wait without spending attempts (RFC 9309: disallow meanwhile) and come back when the fleet asks the site again; they fail after this long, counted from the first failed fetch.',
  }),
  defaultCooldownMs: field({
    env: 'QUARRY_DEFAULT_COOLDOWN_MS', default: '30000', schema: int(0, 3_600_000),
    doc: 'Fleet-wide pause of a domain after a 429/503 without a usable `Retry-After`.',
  }),
  politenessWaitMs: field({
    env: 'QUARRY_POLITENESS_WAIT_MS', default: '400', schema: int(0, 5000),
    doc: 'A throttled job returns from the delayed set up to a quarter of this before its slot and waits in-process for it; larger keeps slots on a busy machine, smaller frees worker slots sooner.',
  }),
  maxCooldownRetries: field({
    env: 'QUARRY_MAX_COOLDOWN_RETRIES', default: '10', schema: int(0, 1000),
    doc: 'Retries a job gets without spending an attempt when a site answers 429/503 with `Retry-After`.',
  }),
  stalledIntervalMs: field({
    env: 'QUARRY_STALLED_INTERVAL_MS', default: '30000', schema: int(1000, 600_000),
    doc: 'How often a worker looks for jobs whose worker died (lock expired) and puts them back.',
  }),
  lockDurationMs: field({
    env: 'QUARRY_LOCK_DURATION_MS', default: '30000', schema: int(1000, 600_000),
    doc: 'Job lock lifetime; renewed while the job runs, so a killed worker\'s jobs are recovered after it.',
  }),
  callbackSecret: field({
    env: 'QUARRY_CALLBACK_SECRET', default: '', schema: z.string(),
    doc: 'HMAC secret for result callbacks (`Quarry-Signature`) of tenants without their own in `QUARRY_CALLBACK_SECRETS`; comma-separated, the first signs. Required for their jobs with `callbackUrl`.',
  }),
  callbackSecrets: field({
    env: 'QUARRY_CALLBACK_SECRETS', default: '{}',
    // Issue messages never quote the value: it holds secrets.
    schema: z.string().transform((text, ctx) => {
      let json: unknown;
      try { json = JSON.parse(text); } catch { ctx.addIssue({ code: 'custom', message: 'must be JSON like {"<tenant>":"secret[,previous]"}' }); return z.NEVER; }
      const parsed = z.record(z.string().regex(TENANT_NAME), z.string()).safeParse(json);
      const entries = parsed.success ? Object.entries(parsed.data).map(([tenant, list]) => [tenant, list.split(',').map((secret) => secret.trim()).filter(Boolean)] as const) : [];
      if (!parsed.success || entries.some(([, secrets]) => secrets.length === 0)) {
        ctx.addIssue({ code: 'custom', message: 'must map tenant names (a-z, 0-9, "_", "-") to non-empty secrets, like {"<tenant>":"secret[,previous]"}' });
        return z.NEVER;
      }
      return Object.fromEntries(entries) as Record<string, string[]>;
    }),
    doc: 'Per-tenant HMAC secrets for result callbacks, JSON `{"<tenant>":"secret[,previous]"}` (the first signs); tenants without an entry are signed with `QUARRY_CALLBACK_SECRET`, which they then share.',
  }),
  callbackAttempts: field({
    env: 'QUARRY_CALLBACK_ATTEMPTS', default: '8', schema: int(1, 50),
    doc: 'Delivery attempts per result callback (exponential backoff with jitter).',
  }),
  callbackBackoffMs: field({
    env: 'QUARRY_CALLBACK_BACKOFF_MS', default: '1000', schema: int(10, 3_600_000),
    doc: 'First retry delay of a callback delivery; doubles per attempt.',
  }),
  failedSweepIntervalMs: field({
    env: 'QUARRY_FAILED_SWEEP_INTERVAL_MS', default: '30000', schema: int(100, 3_600_000),
    doc: 'How often one worker of the fleet re-runs the (idempotent) failure outcomes, batch counter and callback, for jobs failed since the last sweep: it catches failures no `failed` listener saw (stalled-job limit, a worker killed in its listener).',
  }),
  scalerPort: field({
    env: 'QUARRY_SCALER_PORT', default: '9465', schema: int(0, 65_535),
    doc: 'Port of the scaling-signal service (`/keda/eligible-backlog`, `/metrics`).',
  }),
  minReplicas: field({
    env: 'QUARRY_MIN_REPLICAS', default: '0', schema: int(0, 1000),
    doc: 'Fewest worker pods/processes the scaling rule asks for.',
  }),
  maxReplicas: field({
    env: 'QUARRY_MAX_REPLICAS', default: '10', schema: int(1, 1000),
    doc: 'Most worker pods/processes the scaling rule asks for.',
  }),
  scaleInCooldownSeconds: field({
    env: 'QUARRY_SCALE_IN_COOLDOWN_SECONDS', default: '60', schema: int(0, 86_400),
    doc: 'How long demand must stay low before the local scaler removes workers (KEDA: cooldownPeriod).',
  }),
  healthPort: field({
    env: 'QUARRY_HEALTH_PORT', default: '9464', schema: int(0, 65_535),
    doc: 'Port of the `/healthz` and `/readyz` endpoint; 0 turns it off.',
  }),
  healthHost: field({
    env: 'QUARRY_HEALTH_HOST', default: '0.0.0.0', schema: z.string().min(1),
    doc: 'Address the health endpoint listens on.',
  }),
  metricsMaxDomains: field({
    env: 'QUARRY_METRICS_MAX_DOMAINS', default: '100', schema: int(0, 100_000),
    doc: 'Domains that get their own `domain` label on `quarry_throttle_deferrals_total` (the first seen by this process); later ones count under `domain="_other"`, so the series stay bounded.',
  }),
  tasks: field({
    env: 'QUARRY_TASKS', default: '', schema: z.string().max(4096, 'must be at most 4096 characters'),
    doc: 'Task modules to load (comma-separated paths relative to the working directory, or package names); every `defineTask` export is registered. A module that fails to load, or two tasks of one name, stop the worker at start. See "Writing tasks".',
  }),
  logLevel: field({
    env: 'LOG_LEVEL', default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }),
    doc: 'pino log level.',
  }),
  keepCompleted: field({
    env: 'QUARRY_KEEP_COMPLETED', default: '1000', schema: int(0, 10_000_000),
    doc: 'Completed jobs kept in the broker (results live in the result store); unless the job sets its own.',
  }),
  keepFailed: field({
    env: 'QUARRY_KEEP_FAILED', default: '10000', schema: int(0, 10_000_000),
    doc: 'Failed jobs kept in the broker for inspection; unless the job sets its own.',
  }),
  keepCompletedSeconds: field({
    env: 'QUARRY_KEEP_COMPLETED_SECONDS', default: '3600', schema: int(1, 365 * 24 * 3600),
    doc: 'Completed jobs older than this are removed too (as the edge\'s variable of the same name); unless the job sets its own.',
  }),
  keepFailedSeconds: field({
    env: 'QUARRY_KEEP_FAILED_SECONDS', default: String(7 * 24 * 3600), schema: int(1, 365 * 24 * 3600),
    doc: 'Failed jobs older than this are removed too (as the edge\'s variable of the same name); unless the job sets its own.',
  }),
  maxEvents: field({
    // BullMQ's own default: every `new Queue()` without `streams.events.maxLen` (dashboards, scripts)
    // rewrites the cap to 10000, so another default here would flip back and forth.
    env: 'QUARRY_MAX_EVENTS', default: '10000', schema: int(100, 1_000_000),
    doc: 'Cap of the queue\'s events stream (BullMQ `opts.maxLenEvents`, trimmed approximately); the worker sets it at start, for the edge\'s enqueues too.',
  }),
  dashboardPort: field({
    env: 'QUARRY_DASHBOARD_PORT', default: '9466', schema: int(0, 65_535),
    doc: 'Port of the queue dashboard (`dist/worker/src/dashboard/dashboard-main.js`, bull-board).',
  }),
  dashboardHost: field({
    env: 'QUARRY_DASHBOARD_HOST', default: '0.0.0.0', schema: z.string().min(1),
    doc: 'Address the dashboard listens on.',
  }),
  dashboardUser: field({
    env: 'QUARRY_DASHBOARD_USER', default: 'admin', schema: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"'),
    doc: 'HTTP Basic user name of the dashboard.',
  }),
  dashboardPassword: field({
    env: 'QUARRY_DASHBOARD_PASSWORD', default: '', schema: z.string(),
    doc: 'HTTP Basic password of the dashboard (at least 12 characters); the dashboard refuses to start without one. Workers ignore it.',
  }),
  dashboardReadOnly: field({
    env: 'QUARRY_DASHBOARD_READ_ONLY', default: 'true', schema: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
    doc: 'Dashboard shows queues and jobs but cannot retry, remove, clean, promote, add or pause; `false` enables those actions.',
  }),
  ...PROXY_CONFIG_FIELDS,
};

export type ConfigKey = keyof typeof CONFIG_TABLE;
