/**
 * @module bench/workload/pages
 * The one workload every system gets: the same URLs (spread round-robin over the site's hosts)
 * and the same fields to extract, expressed as a Quarry job request and as the plain field list
 * the peers implement by hand.
 */
import { randomUUID } from 'node:crypto';
import { buildJobOptions, type BullJobOptions, type JobOptionsConfig } from '../../edge/src/jobs/enqueue/job-options.ts';
import { jobRequestSchema, type JobData, type JobRequest, type JobRequestInput } from '../../shared/job-schema.ts';

export type PageKind = 'page' | 'js';

/** `count` distinct pages, `/page/1…` or `/js/1…`, host i mod hosts. */
export function pageUrls(origin: (host: string) => string, hosts: readonly string[], count: number, kind: PageKind): string[] {
  return Array.from({ length: count }, (_, i) => `${origin(hosts[i % hosts.length]!)}/${kind}/${i + 1}`);
}

/** Page number of a workload URL (`…/page/17` → 17). */
export function pageNumber(url: string): number {
  return Number(/\/(?:page|js)\/(\d+)/.exec(url)?.[1] ?? Number.NaN);
}

/** HTTP mode: title (always extracted) plus heading, price and every link's href. */
export const HTTP_EXTRACT: JobRequestInput['extract'] = {
  h1: 'h1',
  price: '.price',
  links: { selector: 'a.link', attr: 'href', all: true },
};

/** Browser mode on `/js/:n`: only there after the page's script ran. */
export const BROWSER_EXTRACT: JobRequestInput['extract'] = {
  rendered: '#rendered',
  price: '.price',
};
export const BROWSER_WAIT_FOR = '#rendered';

/** Request fields a suite adds to every job (e.g. `formats` in the formats suites). */
export type JobRequestExtra = Omit<Partial<JobRequestInput>, 'url' | 'mode'>;

/** A request as the edge would store it after validation (defaults applied). */
export function jobRequest(url: string, kind: PageKind, extra: JobRequestExtra = {}): JobRequest {
  return jobRequestSchema.parse(kind === 'page'
    ? { url, extract: HTTP_EXTRACT, ...extra }
    : { url, mode: 'browser', extract: BROWSER_EXTRACT, waitFor: BROWSER_WAIT_FOR, ...extra });
}

/** The edge's defaults (infra/wrangler.jsonc). */
export const EDGE_JOB_OPTIONS: JobOptionsConfig = {
  backoffMs: 1000,
  keepCompleted: { count: 1000, age: 3600 },
  keepFailed: { count: 10_000, age: 7 * 24 * 3600 },
};

export interface BulkJob {
  name: string;
  data: JobData;
  opts: BullJobOptions;
}

/** What `POST /v1/jobs` stores, for `Queue.add` / `Queue.addBulk` (same data, options and id style). */
export function edgeEquivalentJob(request: JobRequest, acceptedAt: number, submittedBy = 'bench'): BulkJob {
  const jobId = randomUUID();
  return { name: request.mode, data: { request, acceptedAt, submittedBy }, opts: buildJobOptions(request, jobId, EDGE_JOB_OPTIONS) };
}
