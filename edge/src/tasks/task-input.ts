/**
 * @module edge/tasks/task-input
 * Validates a task request at the edge: the job fields with `taskRequestSchema`, then `input`
 * against the task's JSON Schema from the generated manifest (shared/tasks/manifest.generated.ts,
 * `npm run tasks:manifest`), rebuilt as a zod schema with zod's `fromJSONSchema` once per task
 * and isolate. An unknown task or a bad input is a 400 naming the field; nothing is enqueued.
 * The worker checks the input again with the task's own zod schema (children, stale manifests).
 */
import { z } from 'zod';
import { TASKS_MANIFEST } from '../../../shared/tasks/manifest.generated.ts';
import type { ManifestTask, TasksManifest } from '../../../shared/tasks/manifest.ts';
import { taskRequestSchema, type TaskRequest } from '../../../shared/tasks/task-request.ts';
import { issuesToFieldErrors } from '../middleware/read-json-body.ts';
import { ValidationProblem } from '../problems/problems.ts';

/** A task request with its input checked and the task's attempts filled in. */
export type EnqueuedTaskRequest = TaskRequest & { attempts: number };

const validators = new Map<string, z.ZodType>();

function inputValidator(name: string, task: ManifestTask): z.ZodType {
  let schema = validators.get(name);
  if (!schema) validators.set(name, (schema = z.fromJSONSchema(task.inputSchema as z.core.JSONSchema.JSONSchema)));
  return schema;
}

/** Throws ValidationProblem (400) with every field at fault, `input.`-prefixed for the input's own. */
export function parseTaskRequest(body: unknown, manifest: TasksManifest = TASKS_MANIFEST, at = ''): EnqueuedTaskRequest {
  const prefix = (path: string) => (at ? `${at}.${path}` : path);
  const parsed = taskRequestSchema.safeParse(body);
  if (!parsed.success) throw new ValidationProblem(issuesToFieldErrors(parsed.error.issues).map((issue) => ({ ...issue, path: prefix(issue.path) })));
  const request = parsed.data;
  const task = Object.hasOwn(manifest.tasks, request.task) ? manifest.tasks[request.task] : undefined;
  if (!task) {
    const known = Object.keys(manifest.tasks);
    throw new ValidationProblem([{ path: prefix('task'), message: `no task "${request.task}": this deployment has ${known.length ? known.map((name) => `"${name}"`).join(', ') : 'no tasks'}` }]);
  }
  const input = inputValidator(request.task, task).safeParse(request.input);
  if (!input.success) {
    throw new ValidationProblem(issuesToFieldErrors(input.error.issues).map((issue) => ({ ...issue, path: prefix(issue.path ? `input.${issue.path}` : 'input') })));
  }
  // The caller's input as sent: the worker applies the task's defaults with its own schema.
  return { ...request, attempts: request.attempts ?? task.attempts };
}
