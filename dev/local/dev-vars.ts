/**
 * @module dev/local/dev-vars
 * The local `.dev.vars` file (wrangler's secrets for `wrangler dev`): created with random
 * keys when absent; an existing file is respected and only missing entries are appended.
 * The API key it writes is the operator's own, so it holds every scope (admin included:
 * domain limits, every tenant's jobs).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export type DevVars = Record<string, string>;

export function parseDevVars(text: string): DevVars {
  const vars: DevVars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    let value = match[2]!;
    if (/^".*"$/.test(value)) value = JSON.parse(value) as string;
    else if (/^'.*'$/.test(value)) value = value.slice(1, -1);
    vars[match[1]!] = value;
  }
  return vars;
}

export interface LocalEndpoints {
  brokerRestPort: number;
  resultsRestPort: number;
}

/** What `npm start` needs in `.dev.vars`, with fresh random secrets. */
export function defaultDevVars(endpoints: LocalEndpoints): DevVars {
  const token = randomBytes(24).toString('base64url');
  return {
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${endpoints.brokerRestPort}`,
    UPSTASH_REDIS_REST_TOKEN: token,
    RESULT_UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${endpoints.resultsRestPort}`,
    RESULT_UPSTASH_REDIS_REST_TOKEN: token,
    API_KEYS: `qk_${randomBytes(24).toString('base64url')}#${LOCAL_KEY_SCOPES.join('+')}`,
  };
}

/** Every scope the edge knows (edge/src/auth/api-keys.ts SCOPES; a test keeps the two equal). */
export const LOCAL_KEY_SCOPES = ['enqueue', 'read', 'admin', 'robots:ignore'] as const;

/**
 * The key to print and send: the first API_KEYS entry without its `#scopes` and `@tenant`;
 * undefined when only its hash is stored (`sha256:…`).
 */
export function localApiKey(vars: DevVars): string | undefined {
  const entry = (vars.API_KEYS ?? '').split(',')[0]!.trim();
  const key = entry.split('@')[0]!.split('#')[0]!;
  return key === '' || key.startsWith('sha256:') ? undefined : key;
}

/** Variables only the worker side reads (the dashboard's login): the edge never sees them. */
const WORKER_ONLY = /^QUARRY_DASHBOARD_/;

/** What `wrangler dev` gets: `.dev.vars` without the worker-only secrets. */
export function edgeDevVars(vars: DevVars): DevVars {
  return Object.fromEntries(Object.entries(vars).filter(([name]) => !WORKER_ONLY.test(name)));
}

export interface EnsuredDevVars {
  vars: DevVars;
  created: boolean;
  appended: string[];
}

export function ensureDevVars(path: string, endpoints: LocalEndpoints): EnsuredDevVars {
  const defaults = defaultDevVars(endpoints);
  if (!existsSync(path)) {
    const header = '# Local secrets for `wrangler dev` (written by `npm start`; never commit this file).\n';
    writeFileSync(path, header + Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
    return { vars: defaults, created: true, appended: [] };
  }
  const existing = parseDevVars(readFileSync(path, 'utf8'));
  const missing = Object.keys(defaults).filter((name) => !(name in existing));
  if (missing.length > 0) appendFileSync(path, '\n' + missing.map((name) => `${name}=${defaults[name]}`).join('\n') + '\n');
  return { vars: { ...defaults, ...existing }, created: false, appended: missing };
}
