/**
 * @module edge/jobs/job-event-routes
 * `GET /v1/jobs/:id/events`: Server-Sent Events (`status`, `progress`, then `completed` or
 * `failed`). Backed by polling: the Upstash REST protocol has no blocking reads or
 * subscriptions, so each poll costs three commands (wait-for-job.ts) and the stream closes
 * after 5 minutes (reconnect with the standard EventSource retry). One API key holds at most
 * QUARRY_MAX_SSE_STREAMS streams open, fleet-wide (sse-streams.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { readJob } from './read-job.ts';
import { openStreamSlot } from './sse-streams.ts';
import { FINAL_STATES, waitForJob } from './wait-for-job.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { accessibleJobId, jobNotFound } from './job-routes.ts';

const STREAM_SECONDS = 300;
/** A stream's slot outlives its 5 minutes by this much: the last poll and the close take time. */
const SLOT_GRACE_MS = 10_000;

export const jobEventRoutes = new OpenAPIHono<AppEnv>();

jobEventRoutes.get('/:id/events', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleJobId(c);
  const broker = upstashClient(config.broker);
  const results = upstashClient(config.results);
  // Answer 404 (and 429) as a problem before switching to a stream.
  if (!(await withBroker(() => readJob(broker, results, config.prefix, id)))) throw jobNotFound(id);
  const slot = await withBroker(() => openStreamSlot(broker, config.prefix, c.get('apiKeyId'), {
    max: config.maxSseStreams, lifetimeMs: STREAM_SECONDS * 1000 + SLOT_GRACE_MS,
  }));
  return streamSSE(c, async (stream) => {
    let lastStatus = '';
    let lastProgress = '';
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    try {
      await waitForJob(broker, results, config.prefix, id, {
        timeoutMs: STREAM_SECONDS * 1000,
        signal: abort.signal,
        onChange: async (view) => {
          const progress = JSON.stringify(view.progress);
          if (view.status !== lastStatus && !FINAL_STATES.has(view.status)) await stream.writeSSE({ event: 'status', data: JSON.stringify({ id, status: view.status, attempts: view.attempts }) });
          if (progress !== lastProgress) await stream.writeSSE({ event: 'progress', data: JSON.stringify({ id, progress: view.progress }) });
          if (FINAL_STATES.has(view.status)) await stream.writeSSE({ event: view.status, data: JSON.stringify(view) });
          lastStatus = view.status;
          lastProgress = progress;
        },
      });
    } finally {
      await slot.release();
    }
  });
});
