/**
 * @module worker/tasks/task-rate-limit
 * A task's `rateLimit` for the whole fleet, on the per-domain limiter (politeness/): each task is
 * a "domain" named `task:<name>` (no host contains ":" outside brackets, so it never meets a
 * site's limits) whose windows the worker writes at start from the task's definition. One
 * limiter call per run (Lua, Redis's clock); a run over the limit goes to the delayed set with a
 * reserved slot, without spending an attempt, exactly like a throttled domain. It applies on top
 * of the per-domain limits of every request the run makes.
 */
import type { Redis } from 'ioredis';
import type { TaskDefinition } from '../../../shared/tasks/define-task.ts';
import { createDomainLimiter, type DomainLimiter } from '../politeness/index.ts';
import { TaskThrottledError } from './task-errors.ts';

export const taskLimiterKey = (task: string): string => `task:${task}`;

export interface TaskRateLimiter {
  /** Resolves when the run may start; throws TaskThrottledError with the run's reserved slot otherwise. */
  admit(task: TaskDefinition, jobId: string, firstStart: boolean): Promise<void>;
}

export async function createTaskRateLimiter(options: { broker: Redis; prefix: string; tasks: readonly TaskDefinition[]; inProcessWaitMs: number }): Promise<TaskRateLimiter> {
  const limited = options.tasks.filter((task) => task.rateLimit.length > 0);
  let limiter: DomainLimiter | undefined;
  if (limited.length > 0) {
    limiter = createDomainLimiter({
      redis: options.broker, prefix: options.prefix,
      defaults: { rates: [], concurrency: 0 },
      inProcessWaitMs: options.inProcessWaitMs, returnEarlyMs: Math.round(options.inProcessWaitMs / 4),
    });
    // The deployed code is the authority: every worker writes the same windows at start.
    for (const task of limited) await limiter.setLimits(taskLimiterKey(task.name), { rates: [...task.rateLimit] });
  }
  return {
    async admit(task, jobId, firstStart) {
      if (!limiter || task.rateLimit.length === 0) return;
      const decision = await limiter.acquire(taskLimiterKey(task.name), jobId, { firstStart });
      if (!decision.granted) throw new TaskThrottledError(task.name, Math.max(0, decision.retryAt - Date.now()));
    },
  };
}
