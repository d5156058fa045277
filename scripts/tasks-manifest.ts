/**
 * @module scripts/tasks-manifest
 * `npm run tasks:manifest`: loads the task modules of QUARRY_TASKS (default: the example,
 * ./examples/tasks/index.ts) exactly as a worker does and writes shared/tasks/manifest.generated.ts,
 * the input schemas (JSON Schema) the edge validates `{"task", "input"}` against. `npm start` and
 * `npm run build` run it; `--check` exits 1 when the file is not what the modules give.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest, renderManifestModule } from '../shared/tasks/manifest.ts';
import { loadTasks, parseTaskModules } from '../worker/src/tasks/task-registry.ts';

export const DEFAULT_TASK_MODULES = './examples/tasks/index.ts';
export const MANIFEST_FILE = 'shared/tasks/manifest.generated.ts';

export async function renderTasksManifest(modules: string, root = process.cwd()): Promise<string> {
  const specifiers = parseTaskModules(modules);
  const registry = await loadTasks(specifiers, root);
  return renderManifestModule(buildManifest(specifiers, registry.tasks));
}

if (import.meta.main) {
  const modules = process.env.QUARRY_TASKS ?? DEFAULT_TASK_MODULES;
  const file = join(process.cwd(), MANIFEST_FILE);
  try {
    const text = await renderTasksManifest(modules);
    if (process.argv.includes('--check')) {
      if (readFileSync(file, 'utf8') !== text) {
        console.error(`${MANIFEST_FILE} is out of date for QUARRY_TASKS=${modules}: run npm run tasks:manifest`);
        process.exit(1);
      }
    } else {
      writeFileSync(file, text);
      console.log(`tasks manifest: ${MANIFEST_FILE} from ${modules || '(no modules)'}`);
    }
  } catch (error) {
    console.error(`tasks:manifest: ${(error as Error).message}`);
    process.exit(1);
  }
}
