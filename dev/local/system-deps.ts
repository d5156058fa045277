/**
 * @module dev/local/system-deps
 * Makes sure the system packages Quarry runs on are present (`redis-server`, a Chromium
 * build): installs them with apt when root on Debian/Ubuntu, else stops with the command
 * to run. A fresh machine has nothing installed by hand, so scripts call this first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Chromium builds Quarry can drive, lightest first (FINDINGS: headless-shell is ~30% faster). */
export const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export class MissingSystemDependencyError extends Error {
  override name = 'MissingSystemDependencyError';
}

export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs Debian packages with apt-get when root on Debian/Ubuntu; otherwise throws with the
 * command to run. `why` completes "Quarry needs X …" in that message.
 */
export function aptInstall(packages: string[], options: { log?: (line: string) => void; why?: string } = {}): void {
  const { log = (line: string) => console.error(line), why } = options;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new MissingSystemDependencyError(`Quarry needs ${packages.join(', ')}${why ? ` ${why}` : ''}. Install them, e.g. as root: ${command}`);
  }
  log(`Installing ${packages.join(', ')} with apt-get (first run only)…`);
  execFileSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) return existsSync(configured) ? configured : undefined;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}

export interface SystemDepsOptions {
  /** Also require a Chromium build (browser-mode workers and tests). */
  chromium?: boolean;
  /** Progress messages. */
  log?: (line: string) => void;
}

export function ensureSystemDeps(options: SystemDepsOptions = {}): { chromium?: string } {
  const { chromium = true, log = (line: string) => console.error(line) } = { ...options };
  const packages: string[] = [];
  if (!onPath('redis-server')) packages.push('redis-server');
  if (chromium && !findChromium()) packages.push('chromium-headless-shell', 'fonts-liberation');
  if (packages.length > 0) aptInstall(packages, { log });
  const found = chromium ? findChromium() : undefined;
  if (chromium && !found) throw new MissingSystemDependencyError('No Chromium found after installing: set PUPPETEER_EXECUTABLE_PATH.');
  return found ? { chromium: found } : {};
}
