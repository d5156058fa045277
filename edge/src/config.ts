/**
 * @module edge/config
 * The edge's configuration, parsed once per isolate from wrangler vars and secrets.
 */
import { z } from 'zod';
import type { S3Config } from '../../shared/artifacts/s3-client.ts';
import { parseExportBuckets } from '../../shared/exports/export-target.ts';
import { assertClusterSafePrefix } from '../../shared/keys.ts';
import { MisconfiguredProblem } from './problems/problems.ts';

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Each field: the binding it comes from (same name) and its default. */
const edgeConfigSchema = z.object({
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  RESULT_UPSTASH_REDIS_REST_URL: z.url(),
  RESULT_UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  API_KEYS: z.string().min(1),
  QUARRY_PREFIX: z.string().default('{quarry}').transform((prefix) => assertClusterSafePrefix(prefix)),
  QUARRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  QUARRY_KEEP_COMPLETED: count(1000),
  QUARRY_KEEP_COMPLETED_SECONDS: count(3600),
  QUARRY_KEEP_FAILED: count(10_000),
  QUARRY_KEEP_FAILED_SECONDS: count(7 * 24 * 3600),
  QUARRY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(65_536),
  QUARRY_MAX_BATCH_BODY_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  QUARRY_DEDUPE_WINDOW_SECONDS: count(0),
  QUARRY_CANONICAL_SORT_QUERY: z.enum(['true', 'false']).default('true'),
  QUARRY_CANONICAL_DROP_PARAMS: z.string().default('utm_*,fbclid,gclid'),
  QUARRY_QUOTA_REQUESTS: count(0),
  QUARRY_QUOTA_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  QUARRY_MAX_SSE_STREAMS: count(5),
  // Crawls (docs/crawls.md): a crawl's window of queued + running page jobs when it names none,
  // and the most URLs one crawl records as discovered (its dedupe set's ceiling).
  QUARRY_CRAWL_WINDOW: z.coerce.number().int().min(1).max(1000).default(50),
  QUARRY_CRAWL_MAX_DISCOVERED: z.coerce.number().int().min(1000).max(100_000_000).default(2_000_000),
  QUARRY_MAX_SCHEDULES: count(100),
  QUARRY_MIN_SCHEDULE_INTERVAL_MS: z.coerce.number().int().min(1).default(60_000),
  // The artifact store, for signing GET URLs (vars; the key pair is a pair of secrets). No endpoint = no store.
  QUARRY_ARTIFACT_ENDPOINT: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  QUARRY_ARTIFACT_BUCKET: z.string().min(1).default('quarry-artifacts'),
  QUARRY_ARTIFACT_REGION: z.string().min(1).default('auto'),
  QUARRY_ARTIFACT_ACCESS_KEY_ID: z.string().default(''),
  QUARRY_ARTIFACT_SECRET_ACCESS_KEY: z.string().default(''),
  QUARRY_ARTIFACT_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  QUARRY_EXPORT_BUCKETS: z.string().regex(/^[a-z0-9.,\s-]*$/, 'must be comma-separated S3 bucket names').default(''),
});

export interface EdgeConfig {
  broker: { url: string; token: string };
  results: { url: string; token: string };
  apiKeys: string;
  prefix: string;
  backoffMs: number;
  keepCompleted: { count: number; age: number };
  keepFailed: { count: number; age: number };
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  /** Default dedupe window for canonical URLs (0 = off); a job's `dedupeWindowMs` overrides it. */
  dedupeWindowMs: number;
  canonicalUrl: { sortQuery: boolean; dropParams: string[] };
  /** Requests per API key per window (0 = no quota). */
  quota: { requests: number; windowSeconds: number };
  /** Event streams (SSE) one API key may hold open at once, fleet-wide (0 = no cap). */
  maxSseStreams: number;
  /** Crawl defaults: window of page jobs per crawl, ceiling on discovered URLs per crawl. */
  crawl: { window: number; maxDiscovered: number };
  /** Schedules one tenant may hold (0 = no cap). */
  maxSchedules: number;
  /** The shortest interval a schedule may fire at (everyMs, or a cron's closest two times). */
  minScheduleIntervalMs: number;
  /** Where artifacts live and how long a signed URL works; null when no store is configured. */
  artifacts: { s3: S3Config; urlTtlSeconds: number } | null;
  /** Buckets a batch's `export.url` may name (QUARRY_EXPORT_BUCKETS); the artifact store takes the others. */
  exportBuckets: ReadonlySet<string>;
}

function artifactsConfig(e: z.output<typeof edgeConfigSchema>): EdgeConfig['artifacts'] {
  if (!e.QUARRY_ARTIFACT_ENDPOINT) return null;
  if (!e.QUARRY_ARTIFACT_ACCESS_KEY_ID || !e.QUARRY_ARTIFACT_SECRET_ACCESS_KEY) {
    throw new MisconfiguredProblem('The edge is misconfigured: QUARRY_ARTIFACT_ENDPOINT is set, so set QUARRY_ARTIFACT_ACCESS_KEY_ID and QUARRY_ARTIFACT_SECRET_ACCESS_KEY with "wrangler secret put" or in .dev.vars.');
  }
  return {
    s3: { endpoint: e.QUARRY_ARTIFACT_ENDPOINT, bucket: e.QUARRY_ARTIFACT_BUCKET, region: e.QUARRY_ARTIFACT_REGION, accessKeyId: e.QUARRY_ARTIFACT_ACCESS_KEY_ID, secretAccessKey: e.QUARRY_ARTIFACT_SECRET_ACCESS_KEY },
    urlTtlSeconds: e.QUARRY_ARTIFACT_URL_TTL_SECONDS,
  };
}

const cache = new WeakMap<object, EdgeConfig>();

/** Parses bindings; a bad or missing one is a 500 naming the variable (the operator's fix, not the caller's). */
export function loadEdgeConfig(env: Env): EdgeConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = edgeConfigSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join('.')} (${issue.message})`).join(', ');
    throw new MisconfiguredProblem(`The edge is misconfigured: set ${names} with "wrangler secret put" or in .dev.vars.`);
  }
  const e = parsed.data;
  const config: EdgeConfig = {
    broker: { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN },
    results: { url: e.RESULT_UPSTASH_REDIS_REST_URL, token: e.RESULT_UPSTASH_REDIS_REST_TOKEN },
    apiKeys: e.API_KEYS,
    prefix: e.QUARRY_PREFIX,
    backoffMs: e.QUARRY_BACKOFF_MS,
    keepCompleted: { count: e.QUARRY_KEEP_COMPLETED, age: e.QUARRY_KEEP_COMPLETED_SECONDS },
    keepFailed: { count: e.QUARRY_KEEP_FAILED, age: e.QUARRY_KEEP_FAILED_SECONDS },
    maxBodyBytes: e.QUARRY_MAX_BODY_BYTES,
    maxBatchBodyBytes: e.QUARRY_MAX_BATCH_BODY_BYTES,
    dedupeWindowMs: e.QUARRY_DEDUPE_WINDOW_SECONDS * 1000,
    canonicalUrl: {
      sortQuery: e.QUARRY_CANONICAL_SORT_QUERY === 'true',
      dropParams: e.QUARRY_CANONICAL_DROP_PARAMS.split(',').map((p) => p.trim()).filter(Boolean),
    },
    quota: { requests: e.QUARRY_QUOTA_REQUESTS, windowSeconds: e.QUARRY_QUOTA_WINDOW_SECONDS },
    maxSseStreams: e.QUARRY_MAX_SSE_STREAMS,
    crawl: { window: e.QUARRY_CRAWL_WINDOW, maxDiscovered: e.QUARRY_CRAWL_MAX_DISCOVERED },
    maxSchedules: e.QUARRY_MAX_SCHEDULES,
    minScheduleIntervalMs: e.QUARRY_MIN_SCHEDULE_INTERVAL_MS,
    artifacts: artifactsConfig(e),
    exportBuckets: parseExportBuckets(e.QUARRY_EXPORT_BUCKETS),
  };
  cache.set(env, config);
  return config;
}
