/**
 * @module examples/tasks
 * The task modules `npm start` loads by default (QUARRY_TASKS=./examples/tasks/index.ts).
 */
export { catalog, product } from './catalog-tasks.ts';
