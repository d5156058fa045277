/**
 * @module shared/tasks/define-task
 * What a task is, apart from the worker that runs it: a name, a zod schema of its input, its
 * mode, its retry/timeout/rate settings and a handler. `defineTask` (re-exported with the worker's
 * context type as `quarry/tasks`) checks the settings and brands the object, so the worker's
 * loader and the manifest generator register every export made by it and nothing else.
 *
 * The handler's context type is a parameter here: shared/ may not import worker/ (the edge
 * bundles shared/), and the context holds worker things (the browser page, the fetcher).
 */
import { z } from 'zod';
import { rateWindowSchema, type RateWindow } from '../domain-limits.ts';
import { LIMITS } from '../limits.ts';

/** Marks task objects across module copies (a task package may bring its own copy of this file). */
export const TASK_BRAND = Symbol.for('quarry.task');

/** Task names: they are job names (`task:<name>`) and metric labels. */
export const TASK_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export type TaskMode = 'http' | 'browser';

/** A task's own time budget may be longer than a scrape's: a listing that pages through a site. */
export const TASK_TIMEOUT_MS = { min: 1_000, max: 600_000, default: 60_000 } as const;

export interface TaskSpec<I extends z.ZodType, Ctx> {
  /** Unique in the fleet; `POST /v1/jobs {"task": name}` runs it. */
  name: string;
  /** Validates `input` at the edge (as JSON Schema, from the manifest) and again in the worker. */
  input: I;
  /** `browser` gives the handler `ctx.page`, a warm pooled Chromium page (guarded, wiped after the run). Default `http`. */
  mode?: TaskMode;
  /** Attempts, the first included (a request's `attempts` overrides it). Default 3. */
  attempts?: number;
  /** The handler's time budget per run; past it the run fails (retryable) and its signal aborts. Default 60 s. */
  timeoutMs?: number;
  /** Runs of this task allowed per window, for the whole fleet; one window or several (all enforced). */
  rateLimit?: RateWindow | RateWindow[];
  handler: (ctx: Ctx, input: z.output<I>) => Promise<unknown>;
}

export interface TaskDefinition<I extends z.ZodType = z.ZodType, Ctx = unknown> {
  readonly [TASK_BRAND]: true;
  readonly name: string;
  readonly input: I;
  readonly mode: TaskMode;
  readonly attempts: number;
  readonly timeoutMs: number;
  /** Empty: no task-level rate limit. */
  readonly rateLimit: readonly RateWindow[];
  readonly handler: (ctx: Ctx, input: z.output<I>) => Promise<unknown>;
}

/** A task definition the settings check refused (the message names the task and the setting). */
export class InvalidTaskError extends Error {
  override name = 'InvalidTaskError';
}

const settingsSchema = z.looseObject({
  name: z.string().regex(TASK_NAME, 'must be 1-64 characters of a-z, 0-9, "_" and "-", starting with a letter'),
  mode: z.enum(['http', 'browser']).default('http'),
  attempts: z.int().min(LIMITS.attempts.min).max(LIMITS.attempts.max).default(LIMITS.attempts.default),
  timeoutMs: z.int().min(TASK_TIMEOUT_MS.min).max(TASK_TIMEOUT_MS.max).default(TASK_TIMEOUT_MS.default),
  rateLimit: z.union([rateWindowSchema, z.array(rateWindowSchema).min(1).max(8)]).optional(),
});

export function createTaskDefinition<I extends z.ZodType, Ctx>(spec: TaskSpec<I, Ctx>): TaskDefinition<I, Ctx> {
  const settings = settingsSchema.safeParse(spec);
  if (!settings.success) {
    const issue = settings.error.issues[0]!;
    throw new InvalidTaskError(`task "${String(spec.name)}": ${issue.path.join('.') || 'definition'} ${issue.message}`);
  }
  if (!(spec.input instanceof z.ZodType)) throw new InvalidTaskError(`task "${spec.name}": input must be a zod schema`);
  if (typeof spec.handler !== 'function') throw new InvalidTaskError(`task "${spec.name}": handler must be an async function`);
  const { rateLimit } = settings.data;
  return Object.freeze({
    [TASK_BRAND]: true as const,
    name: settings.data.name, input: spec.input, mode: settings.data.mode, attempts: settings.data.attempts,
    timeoutMs: settings.data.timeoutMs, rateLimit: rateLimit === undefined ? [] : Array.isArray(rateLimit) ? rateLimit : [rateLimit],
    handler: spec.handler,
  });
}

export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK_BRAND] === true;
}
