/**
 * @module test/tasks/task-stack
 * The task suites' stack: redis, REST servers, worker processes loading the fixture tasks,
 * and helpers that add task jobs the way the edge stores them (taskJobDataSchema).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import { taskJobName, type TaskJobData } from '../../shared/tasks/task-request.ts';
import { startWorkerStack, type WorkerStack, type WorkerStackOptions } from '../support/worker-stack.ts';

export const FIXTURE_TASKS = fileURLToPath(new URL('./fixtures/test-tasks.ts', import.meta.url));

export interface TaskStack extends WorkerStack {
  addTask(task: string, input: unknown, options?: { id?: string; attempts?: number; callbackUrl?: string }): Promise<string>;
  state(id: string): Promise<string>;
  waitForState(id: string, states: string[], timeoutMs?: number): Promise<string>;
  result(id: string): Promise<Record<string, unknown> | null>;
}

export async function startTaskStack(options: Omit<WorkerStackOptions, 'workerEnv'> & { workerEnv?: Record<string, string> }): Promise<TaskStack> {
  const base = await startWorkerStack({ ...options, workerEnv: { QUARRY_TASKS: FIXTURE_TASKS, ...options.workerEnv } });
  const stack: TaskStack = {
    ...base,
    async addTask(task, input, addOptions = {}) {
      const id = addOptions.id ?? `t-${randomBytes(6).toString('hex')}`;
      const attempts = addOptions.attempts ?? 3;
      const data: TaskJobData = { request: { task, input, priority: 0, delayMs: 0, attempts, ...(addOptions.callbackUrl ? { callbackUrl: addOptions.callbackUrl } : {}) }, acceptedAt: Date.now() };
      await base.queue.add(taskJobName(task), data, { jobId: id, attempts, backoff: { type: 'exponential', delay: 200 } });
      return id;
    },
    async state(id) {
      return (await base.queue.getJobState(id)) as string;
    },
    async waitForState(id, states, timeoutMs = 30_000) {
      return waitFor(async () => { const s = await stack.state(id); return states.includes(s) ? s : undefined; }, { timeoutMs, description: `job ${id} to be ${states.join('|')}` });
    },
    async result(id) {
      const json = await base.results.get(resultKey(base.prefix, id));
      return json === null ? null : JSON.parse(json) as Record<string, unknown>;
    },
  };
  return stack;
}
