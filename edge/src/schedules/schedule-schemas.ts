/**
 * @module edge/schedules/schedule-schemas
 * Request example and response shapes of the schedule routes, for the OpenAPI document and the
 * typed client (the request schema is shared/schedules/schedule-schema.ts; the answers are built
 * by schedule-view.ts). Each response component carries an example.
 */
import { z } from 'zod';

const ID = '3f2a9c0b1d4e.sc-7c1f3a52-9b0e-4d7a-8f2c-1e5d6b7a8c90';
const RUN = '3f2a9c0b1d4e.sr-7c1f3a529b0e4d7a8f2c1e5d6b7a8c90-mjb2v8w0';
const BASE = 'https://quarry.example/v1';

/** Request examples: a daily job by cron in a time zone, and a batch every 15 minutes. */
export const scheduleRequestExamples = {
  dailyJob: {
    summary: 'A job every morning at 06:00 Paris time',
    value: { name: 'Daily price check', cron: '0 6 * * *', timezone: 'Europe/Paris', target: { job: { url: 'https://shop.example.com/product/1', extract: { price: '.price' }, changeTracking: { mode: 'fields' }, callbackOn: 'change', callbackUrl: 'https://hooks.example.com/quarry' } }, overlap: 'skip', catchUp: false },
  },
  batchEvery15m: {
    summary: 'A batch every 15 minutes',
    value: { name: 'Front pages', everyMs: 900_000, target: { batch: { urls: ['https://example.com/', 'https://example.org/'], defaults: { formats: ['markdown'] } } } },
  },
};

const kind = z.enum(['job', 'batch', 'crawl']).describe('What each run makes: a job, a batch or a crawl');
const definition = {
  id: z.string(), name: z.string(),
  cron: z.string().nullable(), timezone: z.string().nullable().describe('The cron\'s IANA zone (UTC by default); null with everyMs'),
  everyMs: z.number().nullable(),
  enabled: z.boolean(), overlap: z.enum(['skip', 'allow']), catchUp: z.boolean(),
};
const target = z.record(z.string(), z.unknown()).describe('The target as validated: {job}, {batch} or {crawl}');
const when = z.string().nullable();
const lastError = z.object({ message: z.string(), at: when }).nullable().describe('Why the last run could not be added, if it could not');
const counters = {
  createdAt: when, updatedAt: when, nextFireAt: when.describe('The next slot; null while disabled'), lastFireAt: when, lastError,
  fired: z.number().describe('Runs added'), skipped: z.number().describe('Slots skipped by overlap: skip'),
};

const definitionExample = { id: ID, name: 'Daily price check', cron: '0 6 * * *', timezone: 'Europe/Paris', everyMs: null, enabled: true, overlap: 'skip', catchUp: false };
const targetExample = { job: { url: 'https://shop.example.com/product/1', extract: { price: '.price' }, mode: 'http', attempts: 3 } };
const countersExample = { createdAt: '2026-12-01T09:12:00.000Z', updatedAt: '2026-12-01T09:12:00.000Z', nextFireAt: '2026-12-03T05:00:00.000Z', lastFireAt: '2026-12-02T05:00:00.000Z', lastError: null, fired: 1, skipped: 0 };

/** POST and PUT answer the definition as stored and its first (or next) slot. */
export const scheduleStoredSchema = z.object({ ...definition, target, nextFireAt: when.describe('The first slot; null while disabled'), statusUrl: z.string() }).meta({
  id: 'ScheduleStored',
  example: { ...definitionExample, target: targetExample, nextFireAt: '2026-12-03T05:00:00.000Z', statusUrl: `${BASE}/schedules/${ID}` },
});

const runSchema = z.object({
  runId: z.string(), kind,
  scheduledFor: when.describe('The slot it fired for; null for a manual run'), firedAt: when, manual: z.boolean(),
  status: z.enum(['started', 'skipped']),
  state: z.string().describe('skipped, or the job\'s (completed, failed, running), batch\'s (finished, running) or crawl\'s (running, completed, cancelled, failed) state; unknown once retention removed it'),
  statusUrl: z.string().nullable().describe('Where to read the run (GET /v1/jobs, /v1/batches or /v1/crawls); null when skipped'),
});

export const scheduleViewSchema = z.object({ ...definition, target, ...counters, runs: z.array(runSchema).describe('The last runs, newest first') }).meta({
  id: 'ScheduleView',
  example: {
    ...definitionExample, target: targetExample, ...countersExample,
    runs: [{ runId: RUN, kind: 'job', scheduledFor: '2026-12-02T05:00:00.000Z', firedAt: '2026-12-02T05:00:00.041Z', manual: false, status: 'started', state: 'completed', statusUrl: `${BASE}/jobs/${RUN}` }],
  },
});

export const scheduleSummarySchema = z.object({ ...definition, kind, ...counters }).meta({
  id: 'ScheduleSummary',
  example: { ...definitionExample, kind: 'job', ...countersExample },
});

export const scheduleListSchema = z.object({ schedules: z.array(scheduleSummarySchema) }).meta({
  id: 'ScheduleList',
  example: { schedules: [{ ...definitionExample, kind: 'job', ...countersExample }] },
});

export const scheduleRunQueuedSchema = z.object({ scheduleId: z.string(), runId: z.string(), kind, statusUrl: z.string() }).meta({
  id: 'ScheduleRunQueued',
  example: { scheduleId: ID, runId: '3f2a9c0b1d4e.sr-7c1f3a529b0e4d7a8f2c1e5d6b7a8c90-m4k9q2z7x', kind: 'job', statusUrl: `${BASE}/jobs/3f2a9c0b1d4e.sr-7c1f3a529b0e4d7a8f2c1e5d6b7a8c90-m4k9q2z7x` },
});
