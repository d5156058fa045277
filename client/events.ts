/**
 * @module client/events
 * A job's Server-Sent Events (`GET /v1/jobs/{id}/events`) as an async iterator, over fetch (so the
 * bearer header goes along, which EventSource cannot send) and eventsource-parser's stream.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { QuarryProblemError, problemOf } from './problem.ts';
import type { QuarryApi } from './quarry-client.ts';
import type { JobView } from './wait.ts';

export type JobEvent =
  | { event: 'status'; data: { id: string; status: string; attempts: JobView['attempts'] } }
  | { event: 'progress'; data: { id: string; progress: unknown } }
  | { event: 'completed' | 'failed'; data: JobView };

/** Yields each event until `completed` or `failed` (the last one), or until `signal` aborts. */
export async function* jobEvents(api: QuarryApi, id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
  const { data, error, response } = await api.GET('/v1/jobs/{id}/events', {
    params: { path: { id } }, parseAs: 'stream', headers: { accept: 'text/event-stream' }, ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok || !data) throw new QuarryProblemError(problemOf(response, error));
  // A reader loop, not `for await` on the stream: Safari and older Chromium lack stream iteration.
  const reader = (data as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const event = { event: read.value.event ?? 'message', data: JSON.parse(read.value.data) as unknown } as JobEvent;
      yield event;
      if (event.event === 'completed' || event.event === 'failed') return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
