/**
 * @module edge/tasks/task-openapi
 * The tasks in the OpenAPI document: one request body schema per task of the manifest
 * (`{"task": "<name>", "input": <its JSON Schema>}` plus the job fields), registered as
 * components `TaskRequest_<name>` that the `POST /v1/jobs` description points to.
 */
import { z } from 'zod';
import { TASKS_MANIFEST } from '../../../shared/tasks/manifest.generated.ts';
import type { TasksManifest } from '../../../shared/tasks/manifest.ts';
import { taskRequestSchema } from '../../../shared/tasks/task-request.ts';

export function taskRequestSchemas(manifest: TasksManifest = TASKS_MANIFEST): [name: string, schema: z.ZodType][] {
  return Object.entries(manifest.tasks).map(([name, task]) => [name, taskRequestSchema
    .extend({
      task: z.literal(name),
      input: z.fromJSONSchema(task.inputSchema as z.core.JSONSchema.JSONSchema),
      attempts: taskRequestSchema.shape.attempts.describe(`Attempts, the first included; default ${task.attempts} (the task's)`),
    })
    .describe(`POST /v1/jobs body that runs task "${name}" (${task.mode} mode, time budget ${task.timeoutMs} ms${task.rateLimit.length ? `, fleet-wide rate ${task.rateLimit.map((w) => `${w.max}/${w.perMs} ms`).join(' and ')}` : ''})`)]);
}
