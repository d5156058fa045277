/**
 * @module worker/dashboard/views/view-pages
 * Server-rendered HTML of Quarry's own dashboard views, with Hono's `html` helper (it escapes
 * every interpolated value). Read-only by construction: the pages only link, they hold no form
 * or button, so the read-only setting has nothing to hide here.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { QUEUE_NAME } from '../../../../shared/keys.ts';
import type { DomainRow } from './domain-rows.ts';
import type { BatchRow, CrawlRow, FailedJob } from './run-rows.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '—');
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function page(title: string, body: Html, notes: string[]): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · Quarry</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.yes{color:#b00;font-weight:600}nav a{margin-right:1em}</style></head>
<body><nav><a href="/">Queues (bull-board)</a><a href="/quarry/domains">Domains</a><a href="/quarry/runs">Batches and crawls</a></nav>
<h1>${title}</h1>${notes.map((note) => html`<p class="note">${note}</p>`)}${body}</body></html>`;
}

/** bull-board's page of one job of the scrape queue. */
export const jobLink = (jobId: string) => html`<a class="job" href="/queue/${QUEUE_NAME}/${encodeURIComponent(jobId)}">${jobId}</a>`;

const failureList = (failures: FailedJob[]) =>
  failures.length === 0 ? '—' : html`<ul>${failures.map((job) => html`<li>${jobLink(job.jobId)}: ${job.reason}</li>`)}</ul>`;

export function domainsPage(rows: DomainRow[], truncated: boolean): Html {
  const body = html`<table id="domains"><thead><tr><th>Domain</th><th>Limits</th><th>Usage</th><th>Leases</th>
<th>Throttled now</th><th>Cooldown until</th><th>robots.txt</th><th>Last errors</th></tr></thead><tbody>
${rows.map(({ domain, usage, throttled, robots, errors }) => html`<tr data-domain="${domain}">
<td>${domain}</td>
<td class="limits">${usage.windows.map((w) => `${w.max}/${seconds(w.perMs)}`).join(', ') || 'none'}; concurrency ${usage.concurrency || 'unlimited'}${usage.overridden ? ' (override)' : ''}</td>
<td class="usage">${usage.windows.map((w) => `${w.used}/${w.max}`).join(', ') || '—'}</td>
<td class="leases">${usage.activeLeases}</td>
<td class="throttled">${throttled ? html`<span class="yes">yes</span>` : 'no'}</td>
<td class="cooldown">${iso(usage.cooldownUntil)}</td>
<td class="robots">${robots.length === 0 ? 'not cached' : robots.map((r) => html`<div>${r.origin}: ${r.outcome} (HTTP ${r.status}), / ${r.rootAllowed === false ? 'disallowed' : 'allowed'}, age ${seconds(r.ageMs)}${r.truncated ? ', truncated' : ''}</div>`)}</td>
<td class="errors">${errors.length === 0 ? '—' : html`<ul>${errors.map((e) => html`<li>${iso(e.at)} ${jobLink(e.jobId)}: ${e.reason}</li>`)}</ul>`}</td>
</tr>`)}</tbody></table>`;
  return page('Domains', body, truncated ? ['The key scan hit its cap: not every domain is listed.'] : []);
}

export function runsPage(batches: BatchRow[], crawls: CrawlRow[], truncated: boolean): Html {
  const body = html`<h2>Batches</h2><table id="batches"><thead><tr><th>Batch</th><th>Done / total</th><th>Completed</th><th>Failed</th><th>Cancelled</th><th>Created</th><th>Failures</th></tr></thead><tbody>
${batches.map((b) => html`<tr data-batch="${b.batchId}"><td>${b.batchId}</td><td class="progress">${b.done}/${b.total}</td><td class="completed">${b.completed}</td>
<td class="failed">${b.failed}</td><td class="cancelled">${b.cancelled}</td><td>${iso(b.createdAt)}</td><td class="failures">${failureList(b.failures)}</td></tr>`)}</tbody></table>
<h2>Crawls</h2><table id="crawls"><thead><tr><th>Crawl</th><th>Status</th><th>Done / accepted</th><th>Completed</th><th>Failed</th><th>Discovered</th><th>In flight</th><th>Seed job</th><th>Failures</th></tr></thead><tbody>
${crawls.map(({ crawl, done, failures }) => html`<tr data-crawl="${crawl.id}"><td>${crawl.id}</td><td class="status">${crawl.status}${crawl.error ? `: ${crawl.error}` : ''}</td>
<td class="progress">${done}/${crawl.accepted}</td><td class="completed">${crawl.completed}</td><td class="failed">${crawl.failed}</td><td>${crawl.discovered}</td><td>${crawl.inFlight}</td>
<td>${jobLink(`${crawl.id}-seed`)}</td><td class="failures">${failureList(failures)}</td></tr>`)}</tbody></table>`;
  return page('Batches and crawls', body, [
    ...(truncated ? ['The key scan hit its cap: not every batch or crawl is listed.'] : []),
    'Failures: the newest failed jobs of the scrape queue, by job id; items with their own idempotency key are counted but not listed.',
  ]);
}
