/**
 * @module bench/setup/system-packages
 * Installs what the bench needs from the OS on a fresh machine: redis-server and Chromium (via
 * dev/local/system-deps.ts, as `npm start` does) plus Debian's Python 3 with Celery, redis-py,
 * requests, BeautifulSoup and lxml for the Celery peer, and python3-scrapy for the crawl suite's
 * Scrapy peer. apt-get when root, else it says what to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { ensureSystemDeps, MissingSystemDependencyError } from '../../dev/local/system-deps.ts';

/** Debian's interpreter: the apt packages install into it, not into a pyenv `python3` on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const PYTHON_PACKAGES = ['python3-celery', 'python3-redis', 'python3-requests', 'python3-bs4', 'python3-lxml'];
const PYTHON_MODULES = ['celery', 'redis', 'requests', 'bs4', 'lxml'];

export interface SystemNeeds {
  chromium?: boolean;
  celery?: boolean;
  /** Debian's python3-scrapy, for the crawl suite's Scrapy peer. */
  scrapy?: boolean;
}

function pythonReady(): boolean {
  const probe = `import ${PYTHON_MODULES.join(', ')}`;
  return spawnSync(SYSTEM_PYTHON, ['-c', probe], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages: string[], log: (line: string) => void): void {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new MissingSystemDependencyError(`The bench needs ${packages.join(', ')}. Install them as root: ${command}`);
  log(`Installing ${packages.join(', ')} with apt-get (first run only)…`);
  execFileSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Returns the Chromium path when asked for one. */
export function ensureBenchPackages(needs: SystemNeeds, log: (line: string) => void): { chromium?: string } {
  const found = ensureSystemDeps({ chromium: needs.chromium === true, log });
  if (needs.celery && !pythonReady()) {
    aptInstall(['python3', ...PYTHON_PACKAGES], log);
    if (!pythonReady()) throw new MissingSystemDependencyError(`${SYSTEM_PYTHON} still cannot import ${PYTHON_MODULES.join(', ')}`);
  }
  if (needs.scrapy && spawnSync(SYSTEM_PYTHON, ['-c', 'import scrapy'], { stdio: 'ignore' }).status !== 0) {
    aptInstall(['python3', 'python3-scrapy'], log);
    if (spawnSync(SYSTEM_PYTHON, ['-c', 'import scrapy'], { stdio: 'ignore' }).status !== 0) throw new MissingSystemDependencyError(`${SYSTEM_PYTHON} still cannot import scrapy`);
  }
  return found;
}
