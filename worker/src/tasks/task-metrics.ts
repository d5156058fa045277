/**
 * @module worker/tasks/task-metrics
 * `quarry_task_*` metrics, labelled by task name (bounded: the tasks are the operator's loaded
 * modules, never a caller's string), on the worker's registry (GET /metrics of the health port).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export type TaskRunOutcome = 'completed' | 'failed' | 'retried' | 'deferred' | 'waiting-children' | 'timed-out';

export interface TaskMetrics {
  run(task: string, outcome: TaskRunOutcome, seconds?: number): void;
  fetched(task: string): void;
  childrenAdded(task: string, count: number): void;
  unhandledRejection(): void;
}

export function createTaskMetrics(registry: Registry): TaskMetrics {
  const registers = [registry];
  const runs = new Counter({ name: 'quarry_task_runs_total', help: 'Task runs by how they ended', labelNames: ['task', 'outcome'], registers });
  const duration = new Histogram({
    name: 'quarry_task_run_duration_seconds', help: 'Wall time of task handlers (runs that completed or failed)', labelNames: ['task', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600], registers,
  });
  const fetches = new Counter({ name: 'quarry_task_fetches_total', help: 'Requests tasks made with ctx.fetch', labelNames: ['task'], registers });
  const children = new Counter({ name: 'quarry_task_children_total', help: 'Child jobs tasks added with ctx.enqueue', labelNames: ['task'], registers });
  const rejections = new Counter({ name: 'quarry_task_unhandled_rejections_total', help: 'Promise rejections nobody handled, caught by the worker instead of crashing it', registers });
  return {
    run(task, outcome, seconds) {
      runs.inc({ task, outcome });
      if (seconds !== undefined) duration.observe({ task, outcome }, seconds);
    },
    fetched: (task) => fetches.inc({ task }),
    childrenAdded: (task, count) => { if (count > 0) children.inc({ task }, count); },
    unhandledRejection: () => rejections.inc(),
  };
}
