/**
 * @module edge/jobs/enqueue/submission
 * From a validated request to an enqueue input: the job id (idempotency), the dedupe id
 * (canonical URL within a window) and the retention/backoff options from config.
 */
import { canonicalUrl } from '../../../../shared/canonical-url.ts';
import type { JobRequest } from '../../../../shared/job-schema.ts';
import { scrapeOptionsShape } from '../../../../shared/scrape-options/index.ts';
import { toHex } from '../../../../shared/bytes.ts';
import type { Tenant } from '../../../../shared/tenant.ts';
import { sha256 } from '../../auth/api-keys.ts';
import type { Scope } from '../../auth/api-keys.ts';
import type { EdgeConfig } from '../../config.ts';
import { ForbiddenProblem, hasScope } from '../../middleware/require-scope.ts';
import type { EnqueueInput } from './enqueue-plan.ts';
import { idempotentJobId, randomJobId } from './job-id.ts';

export interface Submission {
  request: EnqueueInput['request'];
  /** Who submitted it, for the record: an API key id or `hook:<name>`. */
  apiKeyId: string;
  /** Whose job it is: its id carries the tenant's tag; idempotency and dedupe are scoped to it. */
  tenant: Tenant;
  /** The submitter's scopes; undefined for operator-defined sources (webhook triggers). */
  scopes?: ReadonlySet<Scope>;
  /** Overrides the id derivation (batch items of an idempotent batch). */
  jobId?: string;
  batchId?: string;
}

/** Scrape options that say how long a job may take, not what it returns: left out of the dedupe id. */
const NOT_WORK = new Set(['timeoutMs']);
/** Every other scrape option (shared/scrape-options/): a new option changes the dedupe id by itself. */
const WORK_OPTIONS = Object.keys(scrapeOptionsShape).filter((name) => !NOT_WORK.has(name)).sort();

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` name the same work. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Same page, same work: URL canonicalized, plus every scrape option that changes the result
 * (mode, waitFor, extract, formats, onlyMainContent, includeTags, excludeTags, …), scoped to the
 * tenant (a deduplicated request answers with the earlier job's id, which must be one the caller
 * sees). A job asking for markdown must never get an earlier job whose result has none.
 */
async function dedupeId(config: EdgeConfig, submission: Submission, request: JobRequest): Promise<string> {
  const canonical = canonicalUrl(request.url, config.canonicalUrl);
  const options = Object.fromEntries(WORK_OPTIONS.map((name) => [name, request[name as keyof JobRequest] ?? null]));
  // Same request, same spelling: header names are case-insensitive, and GET is what no method means.
  if (request.headers) options.headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  if (options.method === 'GET') options.method = null;
  // Secrets a request may carry (an Authorization header, cookies, a body, a proxy session key)
  // only ever enter the id through SHA-256; the JSON below is never stored or logged.
  const work = canonicalJson([`tenant:${submission.tenant.name}`, canonical, options]);
  return `u-${toHex(await sha256(work)).slice(0, 32)}`;
}

export async function toEnqueueInput(config: EdgeConfig, submission: Submission): Promise<EnqueueInput> {
  const { request, apiKeyId, tenant } = submission;
  if ('ignoreRobots' in request && request.ignoreRobots && submission.scopes && !hasScope(submission.scopes, 'robots:ignore')) throw new ForbiddenProblem('robots:ignore');
  const jobId = submission.jobId
    ?? (request.idempotencyKey ? await idempotentJobId(tenant, request.idempotencyKey) : randomJobId(tenant));
  const input: EnqueueInput = {
    prefix: config.prefix,
    jobId,
    request,
    submittedBy: apiKeyId,
    tenant: tenant.name,
    options: { backoffMs: config.backoffMs, keepCompleted: config.keepCompleted, keepFailed: config.keepFailed },
  };
  if (submission.batchId) input.batchId = submission.batchId;
  // Canonical-URL dedupe is about pages; a task's work is its code's, so tasks dedupe by idempotency key only.
  if ('task' in request) return input;
  const windowMs = request.dedupeWindowMs ?? config.dedupeWindowMs;
  if (windowMs > 0) input.dedupe = { id: await dedupeId(config, submission, request), ttlMs: windowMs };
  return input;
}
