/**
 * @module shared/tasks/task-request
 * A request to run a task (`POST /v1/jobs {"task": …, "input": …}`, batch items), the job data
 * the edge stores for it, and the result the worker stores. The input itself is checked
 * against the task's own schema (edge: the manifest's JSON Schema; worker: the zod schema).
 */
import { z } from 'zod';
import { httpUrlSchema } from '../job-schema.ts';
import { LIMITS } from '../limits.ts';
import { TASK_NAME } from './define-task.ts';

/** Jobs of a task are named `task:<name>` in BullMQ (the dashboard and job listings show it). */
export const TASK_JOB_PREFIX = 'task:';
export const taskJobName = (task: string): string => `${TASK_JOB_PREFIX}${task}`;
export const isTaskJobName = (name: string): boolean => name.startsWith(TASK_JOB_PREFIX);

/** The job fields a task request may set; `attempts` defaults to the task's own. */
export const taskRequestSchema = z.strictObject({
  task: z.string().regex(TASK_NAME, 'must name a task of the manifest (GET /openapi.json lists them)'),
  input: z.unknown().default({}),
  priority: z.int().min(0).max(LIMITS.priorityMax).default(0),
  delayMs: z.int().min(0).max(LIMITS.delayMsMax).default(0),
  attempts: z.int().min(LIMITS.attempts.min).max(LIMITS.attempts.max).optional(),
  idempotencyKey: z
    .string()
    .min(1)
    .max(LIMITS.idempotencyKeyMaxLength)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  callbackUrl: httpUrlSchema.optional(),
});
export type TaskRequestInput = z.input<typeof taskRequestSchema>;
export type TaskRequest = z.output<typeof taskRequestSchema>;

/** A request body names a task (else it is a scrape request). */
export function isTaskRequestBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'task' in body;
}

/** The parent a child job reports to (ctx.enqueue), as BullMQ's `parent` option names it. */
export const taskParentSchema = z.object({ id: z.string(), queue: z.string(), wait: z.boolean() });

/** The payload of a task job in BullMQ (the scrape job's `JobData`, with a task request). */
export const taskJobDataSchema = z.object({
  request: taskRequestSchema.extend({ attempts: z.int().min(LIMITS.attempts.min).max(LIMITS.attempts.max) }),
  acceptedAt: z.number(),
  submittedBy: z.string().optional(),
  tenant: z.string().optional(),
  batchId: z.string().optional(),
  run: z.int().min(0).optional(),
  /** Set on children enqueued by a task: the parent's id, for logs and the dashboard. */
  parentId: z.string().optional(),
  /** The run is a parent back from waiting for its children (it took its rate slot before). */
  resumed: z.boolean().optional(),
});
export type TaskJobData = z.infer<typeof taskJobDataSchema>;

/** What a task run stores in the result store (read back by GET /v1/jobs/:id and callbacks). */
export const taskResultSchema = z.object({
  task: z.string(),
  /** The handler's return value, as JSON. */
  value: z.unknown(),
  /** When the run finished (ISO-8601). */
  finishedAt: z.string(),
  /** Wall time of the handler, in milliseconds. */
  durationMs: z.number(),
  /** Which attempt produced this result (1 for the first). */
  attempt: z.number().int().min(1),
  /** Ids of the children the run enqueued (ctx.enqueue), in order. */
  children: z.array(z.string()).optional(),
});
export type TaskResult = z.infer<typeof taskResultSchema>;
