/**
 * @module worker/tasks/public
 * `quarry/tasks` (package.json "exports"): what a task module imports.
 *
 *   import { defineTask, RetryLaterError } from 'quarry/tasks';
 *   export const product = defineTask({ name: 'product', input: z.object({ url: z.url() }), async handler(ctx, input) { … } });
 *
 * The error classes are the worker's own retry policy (errors/retry-policy.ts): throw
 * RetryLaterError to run again later without spending an attempt, NonRetryableError to fail at
 * once, anything else (RetryableError included) to retry with backoff while attempts remain.
 */
import type { z } from 'zod';
import { createTaskDefinition, type TaskDefinition, type TaskSpec } from '../../../shared/tasks/define-task.ts';
import type { TaskContext } from './task-context.ts';

export function defineTask<I extends z.ZodType>(spec: TaskSpec<I, TaskContext>): TaskDefinition<I, TaskContext> {
  return createTaskDefinition(spec);
}

export { NonRetryableError, RetryableError, RetryLaterError } from '../errors/retry-policy.ts';
export type { ChildOutcome, ChildSpec, EnqueueOptions, TaskContext, TaskFetchInit, TaskResponse } from './task-context.ts';
export type { TaskDefinition, TaskSpec } from '../../../shared/tasks/define-task.ts';
