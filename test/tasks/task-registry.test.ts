/**
 * Loading tasks (QUARRY_TASKS) and the manifest the edge bundles: every defineTask export is
 * registered; a module that fails to load, one without tasks, or two tasks of one name stop
 * the worker at start with a message naming the module; bad definitions are refused where they
 * are made; the committed manifest is what `npm run tasks:manifest` gives for the example.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../worker/src/tasks/public.ts';
import { loadTasks, parseTaskModules, TaskLoadError } from '../../worker/src/tasks/task-registry.ts';
import { InvalidTaskError } from '../../shared/tasks/define-task.ts';
import { buildManifest } from '../../shared/tasks/manifest.ts';
import { DEFAULT_TASK_MODULES, MANIFEST_FILE, renderTasksManifest } from '../../scripts/tasks-manifest.ts';
import { FIXTURE_TASKS } from './task-stack.ts';

const ROOT = join(import.meta.dirname, '../..');
const PUBLIC = join(ROOT, 'worker/src/tasks/public.ts');

function moduleFile(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-tasks-'));
  const file = join(dir, 'tasks.ts');
  writeFileSync(file, source.replaceAll('PUBLIC', JSON.stringify(PUBLIC)));
  return file;
}

describe('loading QUARRY_TASKS', () => {
  it('registers every defineTask export of every module', async () => {
    const registry = await loadTasks(parseTaskModules(` ${FIXTURE_TASKS} ,`));
    expect(registry.tasks.map((task) => task.name).sort()).toEqual(['browser-hang', 'browser-text', 'echo', 'fan-out', 'fetch-many', 'fetch-title', 'hangs', 'leaks-rejection', 'post-json', 'rate-limited', 'scrape-children', 'throws', 'wrong-mode']);
    expect(registry.get('rate-limited')?.rateLimit).toEqual([{ max: 2, perMs: 1000 }]);
  });

  it('refuses two tasks of one name, naming both modules', async () => {
    const other = moduleFile("import { z } from 'zod'; import { defineTask } from PUBLIC; export const e = defineTask({ name: 'echo', input: z.object({}), handler: async () => 1 });");
    await expect(loadTasks([FIXTURE_TASKS, other])).rejects.toThrow(/task "echo" is defined twice/);
  });

  it('refuses a module that fails to load or exports no task', async () => {
    await expect(loadTasks(['./no/such/tasks.ts'])).rejects.toThrow(TaskLoadError);
    await expect(loadTasks(['./no/such/tasks.ts'])).rejects.toThrow(/module "\.\/no\/such\/tasks\.ts" failed to load/);
    const empty = moduleFile('export const notATask = 1;');
    await expect(loadTasks([empty])).rejects.toThrow(/exports no task/);
    const throwing = moduleFile("throw new Error('boom at import');");
    await expect(loadTasks([throwing])).rejects.toThrow(/boom at import/);
  });

  it('a worker process with a broken QUARRY_TASKS exits 1 at start with the message', () => {
    const run = spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'worker/src/main.ts')], {
      env: { ...process.env, QUARRY_TASKS: './no/such/tasks.ts', REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'info', QUARRY_HEALTH_PORT: '0' },
      encoding: 'utf8', timeout: 30_000, cwd: ROOT,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/QUARRY_TASKS: module .{0,2}\.\/no\/such\/tasks\.ts.{0,2} failed to load/);
  });

  it('defineTask refuses bad settings where the task is defined', () => {
    const handler = async () => null;
    expect(() => defineTask({ name: 'Bad Name', input: z.object({}), handler })).toThrow(InvalidTaskError);
    expect(() => defineTask({ name: 'ok', input: z.object({}), attempts: 0, handler })).toThrow(/attempts/);
    expect(() => defineTask({ name: 'ok', input: z.object({}), rateLimit: { max: 0, perMs: 1000 }, handler })).toThrow(/rateLimit/);
    expect(() => defineTask({ name: 'ok', input: {} as z.ZodObject, handler })).toThrow(/zod schema/);
  });
});

describe('tasks manifest', () => {
  it('the committed manifest is what tasks:manifest generates for the example', async () => {
    expect(readFileSync(join(ROOT, MANIFEST_FILE), 'utf8')).toBe(await renderTasksManifest(DEFAULT_TASK_MODULES, ROOT));
  });

  it('a task whose input has no JSON Schema form is refused with its name', () => {
    const task = defineTask({ name: 'dated', input: z.object({ when: z.date() }), handler: async () => null });
    expect(() => buildManifest([], [task])).toThrow(/task "dated": its input schema has no JSON Schema form/);
  });
});
