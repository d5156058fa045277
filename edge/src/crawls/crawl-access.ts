/**
 * @module edge/crawls/crawl-access
 * Which crawl ids a request may touch: decided from the id alone, like jobs (auth/tenant-access.ts),
 * and refused with the same 404 as an unknown crawl, so other tenants' ids cannot be probed.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId } from '../auth/tenant-access.ts';
import { isJobId } from '../jobs/enqueue/job-id.ts';
import { NotFoundProblem } from '../problems/problems.ts';

export const crawlNotFound = (id: string) =>
  new NotFoundProblem(`No crawl with id "${id}": check the id returned by POST /v1/crawls (a finished crawl's record expires 7 days after it ends).`);

/** The `:id` parameter when it names a crawl the caller may see; otherwise the same 404 as an unknown crawl. */
export function accessibleCrawlId(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isJobId(id) || !mayAccessId(c, id)) throw crawlNotFound(id);
  return id;
}
