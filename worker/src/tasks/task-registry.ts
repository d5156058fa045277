/**
 * @module worker/tasks/task-registry
 * Loads the task modules named by QUARRY_TASKS (comma-separated paths, relative to the working
 * directory, or package names) and registers every export made by `defineTask`. A module that
 * fails to load, a module without tasks or two tasks of one name stop the worker at start with
 * a message naming the module (TaskLoadError), never at the first job.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTaskDefinition, type TaskDefinition } from '../../../shared/tasks/define-task.ts';

export class TaskLoadError extends Error {
  override name = 'TaskLoadError';
}

export interface TaskRegistry {
  get(name: string): TaskDefinition | undefined;
  readonly tasks: readonly TaskDefinition[];
  /** The modules as given in QUARRY_TASKS. */
  readonly modules: readonly string[];
}

/** `a.ts, ./b.ts,pkg` → the specifiers, empty entries dropped. */
export function parseTaskModules(value: string): string[] {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/** A path (has a slash or starts with a dot) resolves against `cwd`; anything else is a package name. */
function importTarget(specifier: string, cwd: string): string {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier) || (specifier.includes('/') && /\.[cm]?[jt]s$/.test(specifier));
  return isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
}

export async function loadTasks(modules: readonly string[], cwd = process.cwd()): Promise<TaskRegistry> {
  const byName = new Map<string, { task: TaskDefinition; module: string }>();
  for (const specifier of modules) {
    let exports: Record<string, unknown>;
    try {
      exports = await import(importTarget(specifier, cwd)) as Record<string, unknown>;
    } catch (error) {
      throw new TaskLoadError(`QUARRY_TASKS: module "${specifier}" failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const found = Object.values(exports).filter(isTaskDefinition);
    if (found.length === 0) throw new TaskLoadError(`QUARRY_TASKS: module "${specifier}" exports no task (export the result of defineTask)`);
    for (const task of found) {
      const earlier = byName.get(task.name);
      // The same object exported twice (a re-export) is one task, not a duplicate.
      if (earlier && earlier.task !== task) {
        throw new TaskLoadError(`QUARRY_TASKS: task "${task.name}" is defined twice (in "${earlier.module}" and "${specifier}")`);
      }
      byName.set(task.name, { task, module: specifier });
    }
  }
  const tasks = [...byName.values()].map((entry) => entry.task);
  return { get: (name) => byName.get(name)?.task, tasks, modules: [...modules] };
}

export const EMPTY_REGISTRY: TaskRegistry = { get: () => undefined, tasks: [], modules: [] };
