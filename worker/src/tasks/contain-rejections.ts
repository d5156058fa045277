/**
 * @module worker/tasks/contain-rejections
 * A task that starts a promise and forgets it (`fetchSomething()` without await) would, on a
 * rejection, end the whole Node process (Node's default `--unhandled-rejections=throw`) and
 * every job it was running. With tasks loaded, the worker logs such rejections and counts them
 * (`quarry_task_unhandled_rejections_total`) instead. Synchronous throws from timers or event
 * handlers (`uncaughtException`) are not caught: after one, Node's state is not trustworthy, and
 * BullMQ's stalled-job check hands the process's jobs to other workers.
 */
import type { Logger } from 'pino';

/** Installs the handler; returns its removal. */
export function containRejections(logger: Logger, onRejection: () => void): () => void {
  const handler = (reason: unknown) => {
    onRejection();
    logger.error({ err: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) }, 'unhandled promise rejection (a task left a promise unawaited); the worker carries on');
  };
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
