/**
 * @module scripts/render-readme-config
 * Rewrites the worker configuration table in README.md from the config table itself
 * (`--check` fails when the README is stale; a test runs the check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTable } from '../worker/src/config.ts';

const README = new URL('../README.md', import.meta.url);
const BLOCK = /(<!-- worker-config:start -->\n[\s\S]*?\n\n)\| Variable[\s\S]*?(<!-- worker-config:end -->)/;

export function renderReadme(text: string): string {
  return text.replace(BLOCK, (_all, head: string, tail: string) => `${head}${renderConfigTable()}${tail}`);
}

if (import.meta.main) {
  const current = readFileSync(README, 'utf8');
  const next = renderReadme(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md worker configuration table is stale: run node scripts/render-readme-config.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(README, next);
  }
}
