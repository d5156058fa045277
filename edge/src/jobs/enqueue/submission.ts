/**
 * @module edge/jobs/enqueue/submission
 * From a validated request to an enqueue input: the job id (idempotency), the dedupe id
 * (canonical URL within a window) and the retention/backoff options from config.
 */
import { canonicalUrl } from '../../../../shared/canonical-url.ts';
import type { JobRequest } from '../../../../shared/job-schema.ts';
import { requestWork } from '../../../../shared/scrape-options/request-options.ts';
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

/**
 * Same page, same work: URL canonicalized, plus mode and rules, scoped to the tenant (a
 * deduplicated request answers with the earlier job's id, which must be one the caller sees).
 */
async function dedupeId(config: EdgeConfig, submission: Submission, request: JobRequest): Promise<string> {
  const canonical = canonicalUrl(request.url, config.canonicalUrl);
  // The request's own fields (method, body, headers, cookies, device, …) only when set, so a plain GET keeps its id.
  const asked = requestWork(request);
  const plain = asked.every((value, index) => value === null || (index === 0 && value === 'GET'));
  // Browser actions change the page read (a click loads more): another list is other work.
  const work = JSON.stringify([`tenant:${submission.tenant.name}`, request.mode, canonical, request.extract, request.waitFor ?? null, ...(plain ? [] : [asked]), ...(request.actions ? [request.actions] : [])]);
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
