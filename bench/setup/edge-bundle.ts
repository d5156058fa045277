/**
 * @module bench/setup/edge-bundle
 * Bundles the edge exactly as a deploy would (`wrangler deploy --dry-run --outdir`), offline,
 * so Miniflare can run the same script workerd runs in production.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { offlineWranglerEnv } from '../../dev/local/wrangler-dev.ts';

export interface EdgeBundle {
  /** The ES module worker script. */
  scriptPath: string;
  /** From infra/wrangler.jsonc. */
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Plain `vars` of the config (QUARRY_PREFIX and the like). */
  vars: Record<string, string>;
  /** Deletes the bundle's directory (once nothing runs it any more). */
  remove(): void;
}

/** wrangler.jsonc without its `//` comments (strings are matched first so a `//` inside one stays). */
function readWranglerConfig(root: string): Record<string, unknown> {
  const text = readFileSync(join(root, 'infra/wrangler.jsonc'), 'utf8');
  return JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*/g, (_, string?: string) => string ?? '')) as Record<string, unknown>;
}

export async function buildEdgeBundle(root: string): Promise<EdgeBundle> {
  const env = offlineWranglerEnv(root);
  mkdirSync(env.TMPDIR!, { recursive: true });
  const outdir = mkdtempSync(join(env.TMPDIR!, 'bench-edge-'));
  try {
    execFileSync(process.execPath, [
      resolve(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', `--outdir=${outdir}`, '-c', resolve(root, 'infra/wrangler.jsonc'),
    ], { cwd: root, env: { ...env, WRANGLER_LOG: 'warn', FORCE_COLOR: '0' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    throw new Error(`wrangler deploy --dry-run failed: ${String((error as { stderr?: string }).stderr ?? error).slice(-1500)}`);
  }
  const scriptPath = join(outdir, 'index.js');
  if (!existsSync(scriptPath)) throw new Error(`wrangler deploy --dry-run wrote no ${scriptPath}`);
  const config = readWranglerConfig(root);
  return {
    scriptPath,
    compatibilityDate: String(config.compatibility_date),
    compatibilityFlags: (config.compatibility_flags as string[] | undefined) ?? [],
    vars: (config.vars as Record<string, string> | undefined) ?? {},
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
