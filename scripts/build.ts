/**
 * @module scripts/build
 * `npm run build`: compiles worker/, shared/ and dev/rest-server/ to plain JavaScript under dist/
 * (tsc with tsconfig.build.json), copies the Lua scripts the code reads from disk next to it,
 * bundles the edge with `wrangler deploy --dry-run`, then proves the output runs on plain Node.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { offlineWranglerEnv } from '../dev/local/wrangler-dev.ts';

const root = process.cwd();
const program = new Command('npm run build --')
  .description('Compile the Node parts to dist/ and bundle the edge to dist/edge.')
  .option('--out-dir <dir>', 'output folder (inside the repo, so node_modules resolves)', 'dist')
  .option('--no-edge', 'skip the wrangler bundle of the edge')
  .option('--no-verify', 'skip running the built worker and REST server on plain Node')
  .parse();
const opts = program.opts<{ outDir: string; edge: boolean; verify: boolean }>();
const outDir = resolve(root, opts.outDir);

/** Source folders whose non-TypeScript runtime files (Lua) must sit next to the emitted JS. */
const ASSET_ROOTS = ['shared/scripts'];
const ASSET_FILE = /\.lua$/;

function run(step: string, args: string[], options: SpawnSyncOptions = {}): string {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', ...options });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`build: ${step} failed (exit ${result.status ?? result.signal})`);
  }
  console.log(`build: ${step} (${Date.now() - started} ms)`);
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

function copyAssets(): number {
  let copied = 0;
  for (const dir of ASSET_ROOTS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !ASSET_FILE.test(entry.name)) continue;
      const source = join(entry.parentPath, entry.name);
      const target = join(outDir, relative(root, source));
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(source, target);
      copied += 1;
    }
  }
  return copied;
}

/** Runs the output with type stripping off, so any import still pointing at a .ts file fails here. */
function verify(): void {
  const plainNode = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--no-experimental-strip-types', ...args], {
      cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 30_000,
    });

  const bad = plainNode([join(outDir, 'worker/src/main.js')], { QUARRY_CONCURRENCY: 'not-a-number' });
  if (bad.status !== 1 || !bad.stderr.includes('QUARRY_CONCURRENCY')) {
    throw new Error(`build: built worker did not reject a bad QUARRY_CONCURRENCY (exit ${bad.status}):\n${bad.stderr}`);
  }
  const dashboard = plainNode([join(outDir, 'worker/src/dashboard/dashboard-main.js')]);
  if (dashboard.status !== 1 || !dashboard.stderr.includes('QUARRY_DASHBOARD_PASSWORD')) {
    throw new Error(`build: built dashboard did not refuse to start without a password (exit ${dashboard.status}):\n${dashboard.stderr}`);
  }
  // Loads the whole worker graph (the part main.js imports lazily) and the copied Lua scripts.
  const graph = plainNode(['--input-type=module', '-e', [
    `await import(${JSON.stringify(join(outDir, 'worker/src/quarry-worker.js'))});`,
    // The dashboard's graph too: bull-board and @hono/node-server are CommonJS/ESM mixes.
    `await import(${JSON.stringify(join(outDir, 'worker/src/dashboard/dashboard-server.js'))});`,
    `const { loadScripts } = await import(${JSON.stringify(join(outDir, 'shared/scripts/load-scripts.js'))});`,
    'console.log(loadScripts().size);',
  ].join('\n')]);
  if (graph.status !== 0 || !(Number(graph.stdout.trim()) > 0)) {
    throw new Error(`build: built worker modules or Lua scripts failed to load:\n${graph.stderr}${graph.stdout}`);
  }
  const help = plainNode([join(outDir, 'dev/rest-server/main.js'), '--help']);
  if (help.status !== 0) throw new Error(`build: built REST server --help failed:\n${help.stderr}`);
  console.log(`build: verified on plain Node (worker rejects bad config, dashboard refuses to run without a password, ${graph.stdout.trim()} Lua scripts load, REST server CLI runs)`);
}

try {
  rmSync(outDir, { recursive: true, force: true });
  // The edge bundles the tasks manifest: regenerated from QUARRY_TASKS (default: the example) first.
  // A worker-only build (the worker image) has no edge to bundle it into, nor the script's inputs.
  if (opts.edge) run('tasks:manifest', [join(root, 'scripts/tasks-manifest.ts')]);
  run('tsc -p tsconfig.build.json', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir]);
  console.log(`build: copied ${copyAssets()} Lua file(s)`);
  // The emitted files are ES modules; this marker keeps them so even if dist/ is copied without
  // the root package.json.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  if (opts.edge) {
    const env = offlineWranglerEnv(root);
    mkdirSync(env.TMPDIR!, { recursive: true });
    const output = run('wrangler deploy --dry-run (edge bundle)', [
      join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run',
      '--outdir', join(outDir, 'edge'), '-c', join(root, 'infra/wrangler.jsonc'),
    ], { env });
    const size = /Total Upload: ([^\n]+)/.exec(output)?.[1];
    if (size) console.log(`build: edge bundle ${size}`);
    if (!existsSync(join(outDir, 'edge/index.js'))) throw new Error('build: wrangler wrote no dist/edge/index.js');
  }
  if (opts.verify) verify();
  console.log(`build: done → ${relative(root, outDir) || '.'}/`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
